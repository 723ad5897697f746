/** A clock that moves only when told to. */
export class FakeClock {
  private time = 1_000_000;

  readonly now = (): number => this.time;

  advance(ms: number): void {
    this.time += ms;
  }
}
