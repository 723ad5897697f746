import { parseNestConsoleLine } from './nest-console-line';

describe('parseNestConsoleLine', () => {
  it("reads the level, context and message of a coloured Nest line and drops Nest's +ms suffix", () => {
    const line =
      '\u001b[33m[Nest] 32264  - \u001b[39m11/26/2026, 1:24:07 AM \u001b[33m   WARN\u001b[39m ' +
      '\u001b[38;5;3m[Liveness] \u001b[39m\u001b[33mhost demo-1 is down (dead)\u001b[39m\u001b[38;5;3m +148ms\u001b[39m';
    expect(parseNestConsoleLine(line, 1000)).toEqual({
      level: 40,
      time: 1000,
      context: 'Liveness',
      msg: 'host demo-1 is down (dead)',
    });
  });

  it('reads a line without a context', () => {
    expect(parseNestConsoleLine('[Nest] 1  - 26/11/2026 01:24:07     LOG started', 5)).toEqual({
      level: 30,
      time: 5,
      msg: 'started',
    });
  });

  it('answers undefined for any other line', () => {
    expect(parseNestConsoleLine('    at Object.<anonymous> (/x.js:1:1)')).toBeUndefined();
    expect(parseNestConsoleLine('{"level":30}')).toBeUndefined();
  });
});
