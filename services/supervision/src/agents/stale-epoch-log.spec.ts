import { StaleEpochLog } from './stale-epoch-log';

describe('the stale-epoch log', () => {
  it('says the first drop at once, then once per interval with the count in between', () => {
    const lines: string[] = [];
    let now = 0;
    const log = new StaleEpochLog(
      (line) => lines.push(line),
      1000,
      () => now,
    );
    log.dropped('h1', 1, 2);
    for (let n = 0; n < 5; n++) log.dropped('h1', 1, 2);
    now = 1000;
    log.dropped('h1', 1, 2);
    expect(lines).toEqual([
      'dropped 1 message(s) from host h1 at stale epoch 1 (its epoch is 2)',
      'dropped 6 message(s) from host h1 at stale epoch 1 (its epoch is 2)',
    ]);
    expect(log.total).toBe(7);
  });
});
