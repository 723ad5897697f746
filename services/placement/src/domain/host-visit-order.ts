/**
 * A random permutation of 0..n-1 in O(1) space: a random start and a random stride coprime with n,
 * so that each decision visits hosts in a different order without shuffling them all.
 */
export class HostVisitOrder {
  private readonly start: number;
  private readonly stride: number;

  constructor(
    private readonly n: number,
    random: () => number,
  ) {
    this.start = Math.floor(random() * n);
    let stride = 1 + Math.floor(random() * Math.max(1, n - 1));
    while (n > 1 && gcd(stride, n) !== 1) stride = (stride % (n - 1)) + 1;
    this.stride = stride;
  }

  /** The i-th host slot to visit, for 0 ≤ i < n. */
  at(i: number): number {
    return (this.start + i * this.stride) % this.n;
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}
