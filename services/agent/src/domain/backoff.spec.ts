import { backoffDelay, registrationBackoff } from './backoff';

describe('the agent registration backoff', () => {
  it('waits below 250 ms before the first retry, the bound doubling up to 5 s', () => {
    const almostOne = () => 0.9999;
    expect(
      [0, 1, 2, 3, 4, 5, 30].map((n) => backoffDelay(n, registrationBackoff, almostOne)),
    ).toEqual([249, 499, 999, 1999, 3999, 4999, 4999]);
  });

  it('can retry at once: the whole range below the bound is drawn from, not only its upper half', () => {
    expect(backoffDelay(4, undefined, () => 0)).toBe(0);
  });
});
