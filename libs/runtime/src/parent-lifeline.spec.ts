import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { LIFELINE_FD_VARIABLE, lifelineFdFrom, watchParentLifeline } from './parent-lifeline';

describe('lifelineFdFrom', () => {
  it('answers no lifeline when the variable is unset or empty', () => {
    expect(lifelineFdFrom({})).toBeUndefined();
    expect(lifelineFdFrom({ [LIFELINE_FD_VARIABLE]: '' })).toBeUndefined();
  });

  it('answers the descriptor the variable names', () => {
    expect(lifelineFdFrom({ [LIFELINE_FD_VARIABLE]: '3' })).toBe(3);
    expect(lifelineFdFrom({ [LIFELINE_FD_VARIABLE]: '17' })).toBe(17);
  });

  it.each(['abc', '2', '0', '-4', '3.5', '3x'])('refuses %p, naming the variable', (value) => {
    expect(() => lifelineFdFrom({ [LIFELINE_FD_VARIABLE]: value })).toThrow(
      `${LIFELINE_FD_VARIABLE} must be a file descriptor number of 3 or more, got "${value}"`,
    );
  });
});

describe('watchParentLifeline', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'federa-lifeline-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A FIFO's two ends: the reading one stands for the child's lifeline, the writing one for its parent's. */
  function pipePair(): { childEnd: number; parentEnd: number } {
    const fifo = join(dir, 'lifeline');
    execFileSync('mkfifo', [fifo]);
    const childEnd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const parentEnd = openSync(fifo, constants.O_WRONLY);
    return { childEnd, parentEnd };
  }

  it('watches nothing, and says so, in a process without a lifeline', () => {
    const output = new PassThrough();
    expect(watchParentLifeline({}, [output])).toBeUndefined();
    // No lifeline, no parent that reads the output: a failed write ends the process as usual.
    expect(output.listenerCount('error')).toBe(0);
  });

  it('survives a failed write to its output from the moment it watches, before the end of the lifeline is seen', async () => {
    const { childEnd, parentEnd } = pipePair();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const ended = watchParentLifeline({ [LIFELINE_FD_VARIABLE]: String(childEnd) }, [
      stdout,
      stderr,
    ]);
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    // With no listener, emitting 'error' throws: what would end the process (uncaught).
    expect(() => stdout.emit('error', epipe)).not.toThrow();
    expect(() => stderr.emit('error', epipe)).not.toThrow();
    closeSync(parentEnd);
    await ended;
  });

  it('resolves once the parent end closes, not before, and takes the variable out of the environment', async () => {
    const { childEnd, parentEnd } = pipePair();
    const env: NodeJS.ProcessEnv = { [LIFELINE_FD_VARIABLE]: String(childEnd), OTHER: 'kept' };
    const ended = watchParentLifeline(env);
    expect(ended).toBeDefined();
    expect(env).toEqual({ OTHER: 'kept' });
    let done = false;
    void ended?.then(() => (done = true));
    await sleep(100);
    expect(done).toBe(false);
    closeSync(parentEnd);
    await ended;
    expect(done).toBe(true);
  });
});
