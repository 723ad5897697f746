import { restartDelayMs } from './restarting-service';

describe('restartDelayMs', () => {
  it('waits 1 s before the first restart and doubles after each until 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(restartDelayMs)).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
});
