import { fitted, replayProgress } from './replay-progress';

const recorder = (isTTY: boolean) => {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 40, write: (text: string) => writes.push(text) } };
};

describe('replayProgress', () => {
  it('on a terminal, writes each warning above the state line and redraws only that line', () => {
    const { writes, stream } = recorder(true);
    const progress = replayProgress(stream);
    progress.show('replaying: 1/10 events');
    progress.log('POST /v1/hosts/h1/drain: refused');
    progress.show('replaying: 2/10 events');
    progress.end();
    expect(writes).toEqual([
      '\r\x1b[2Kreplaying: 1/10 events',
      '\r\x1b[2KPOST /v1/hosts/h1/drain: refused\nreplaying: 1/10 events',
      '\r\x1b[2Kreplaying: 2/10 events',
      '\n',
    ]);
    // Nothing moves the cursor up: a line written above the state is never cleared.
    expect(writes.join('')).not.toMatch(new RegExp(`${String.fromCharCode(27)}\\[\\d*[AF]`));
  });

  it('elsewhere, writes warnings as they come and the state at most every 5 s, the last at the end', () => {
    const { writes, stream } = recorder(false);
    let now = 0;
    const progress = replayProgress(stream, () => now);
    progress.show('1/3');
    progress.show('2/3');
    progress.log('a warning');
    now = 6_000;
    progress.show('3/3');
    progress.show('3/3 settling');
    progress.end();
    expect(writes).toEqual(['1/3\n', 'a warning\n', '3/3\n', '3/3 settling\n']);
  });

  it("cuts a state line to the terminal's width", () => {
    expect(fitted('x'.repeat(100), 10)).toBe(`${'x'.repeat(8)}…`);
    expect(fitted('short\nsecond', 10)).toBe('short');
  });
});
