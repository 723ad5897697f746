import { CopyFencer } from './copy-fencer';

describe('the copy fencer', () => {
  let now: number;
  let fencer: CopyFencer;

  beforeEach(() => {
    now = 0;
    fencer = new CopyFencer(
      { send: async () => undefined },
      { log: () => {}, warn: () => {} },
      () => now,
    );
  });

  it('remembers a handled copy for its interval, across the turn of its memory’s page', () => {
    fencer.touch('h1', 'shop-web-1');
    now = 59_900;
    fencer.touch('h1', 'shop-db-1');
    now = 60_100;
    fencer.touch('h1', 'shop-db-2');

    now = 60_200;
    expect(fencer.recentlyFenced('h1', 'shop-db-1', 1000)).toBe(true);
    now = 61_000;
    expect(fencer.recentlyFenced('h1', 'shop-db-1', 1000)).toBe(false);
  });

  it('forgets copies no longer handled, however few, keeping only the last two minutes’', () => {
    for (let i = 0; i < 100; i++) fencer.touch('h1', `shop-web-${i}`);
    expect(fencer.remembered).toBe(100);

    now = 61_000;
    fencer.touch('h1', 'shop-db-1');
    now = 122_000;
    fencer.touch('h1', 'shop-db-1');

    expect(fencer.remembered).toBeLessThanOrEqual(2);
    expect(fencer.recentlyFenced('h1', 'shop-web-1', 3_600_000)).toBe(false);
    expect(fencer.recentlyFenced('h1', 'shop-db-1', 1000)).toBe(true);
  });

  it('forgets everything after a quiet spell of two windows', () => {
    fencer.touch('h1', 'shop-db-1');
    now = 200_000;
    fencer.touch('h1', 'shop-db-2');

    expect(fencer.remembered).toBe(1);
  });
});
