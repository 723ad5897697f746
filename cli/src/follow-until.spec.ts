import { followUntil, type FollowSpec } from './follow-until';
import type { ProgressDisplay } from './progress-display';
import type { WaitOutcome } from './wait-outcome';

/** A display that keeps what it was shown. */
function recordingDisplay(): ProgressDisplay & { shown: string[]; ended: number } {
  return {
    shown: [],
    ended: 0,
    show(text) {
      this.shown.push(text);
    },
    end() {
      this.ended++;
    },
  };
}

function spec(
  states: string[],
  overrides: Partial<FollowSpec<string>> = {},
): FollowSpec<string> & { display: ReturnType<typeof recordingDisplay> } {
  const display = recordingDisplay();
  let next = 0;
  return {
    first: states[0],
    read: () => Promise.resolve(states[Math.min(++next, states.length - 1)]),
    outcome: (state): WaitOutcome =>
      state === 'done' ? 'succeeded' : state === 'broken' ? 'failed' : 'going',
    progress: (state) => `state ${state}`,
    pollMs: 1,
    ...overrides,
    display,
  };
}

describe('following an action until it ends', () => {
  it('reads again until the outcome is no longer going, showing each state', async () => {
    const followed = spec(['pending', 'running', 'done']);
    await expect(followUntil(followed)).resolves.toEqual({ last: 'done', outcome: 'succeeded' });
    expect(followed.display.shown).toEqual(['state pending', 'state running', 'state done']);
    expect(followed.display.ended).toBe(1);
  });

  it('answers failed when the action ends badly, so that the command exits 4', async () => {
    await expect(followUntil(spec(['running', 'broken']))).resolves.toEqual({
      last: 'broken',
      outcome: 'failed',
    });
  });

  it('answers going with the last state read once the timeout passes', async () => {
    const followed = spec(['running'], { timeoutMs: 30, pollMs: 5 });
    await expect(followUntil(followed)).resolves.toEqual({ last: 'running', outcome: 'going' });
  });

  it('gives up a read that hangs when the timeout passes, and aborts its signal', async () => {
    let seen: AbortSignal | undefined;
    const followed = spec(['running'], {
      timeoutMs: 50,
      pollMs: 1,
      read: (signal) => {
        seen = signal;
        return new Promise((_, reject) =>
          signal?.addEventListener('abort', () => reject(signal.reason as Error)),
        );
      },
    });
    await expect(followUntil(followed)).resolves.toEqual({ last: 'running', outcome: 'going' });
    expect(seen?.aborted).toBe(true);
    expect(followed.display.ended).toBe(1);
  });

  it('passes on an error of a read before the timeout, and still ends the display', async () => {
    const followed = spec(['running'], {
      read: () => Promise.reject(new Error('not found')),
    });
    await expect(followUntil(followed)).rejects.toThrow('not found');
    expect(followed.display.ended).toBe(1);
  });
});
