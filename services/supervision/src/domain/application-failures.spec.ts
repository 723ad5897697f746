import { failuresOf } from './application-failures';
import type { InstanceView } from './instance-view';

function view(
  state: InstanceView['state'],
  sinceMs: number,
  extra: Partial<InstanceView> = {},
): InstanceView {
  return {
    id: `i-${sinceMs}`,
    service: 's',
    app: 'a',
    layer: 'process',
    state,
    since: new Date(sinceMs).toISOString(),
    revision: 1,
    ...extra,
  };
}

describe('failuresOf', () => {
  it('counts nothing for an application that never failed', () => {
    expect(failuresOf([view('healthy', 1000)])).toEqual({ consecutive: 0 });
  });

  it('counts the failures since an instance was last healthy, with the latest time and reason', () => {
    const record = failuresOf([
      view('failed', 1000, { reason: 'old' }),
      view('healthy', 2000, { healthyAt: new Date(2000).toISOString() }),
      view('failed', 4000, { reason: 'second' }),
      view('failed', 3000, { reason: 'first' }),
    ]);
    expect(record).toEqual({ consecutive: 2, lastAt: 4000, lastReason: 'second' });
  });

  it('lets an instance that failed soon after turning healthy keep the count going', () => {
    const record = failuresOf(
      [
        view('healthy', 1000, { healthyAt: new Date(1000).toISOString() }),
        view('failed', 5000, { reason: 'sick', healthyAt: new Date(3000).toISOString() }),
        view('failed', 9000, { reason: 'sick again', healthyAt: new Date(7000).toISOString() }),
      ],
      10_000,
    );
    expect(record).toEqual({ consecutive: 2, lastAt: 9000, lastReason: 'sick again' });
  });

  it('resets the count at an instance that stayed healthy long enough before it failed', () => {
    const record = failuresOf(
      [
        view('failed', 2000, { reason: 'early' }),
        view('failed', 30_000, { reason: 'late', healthyAt: new Date(5000).toISOString() }),
        view('failed', 31_000, { reason: 'after' }),
      ],
      10_000,
    );
    expect(record).toEqual({ consecutive: 2, lastAt: 31_000, lastReason: 'after' });
  });

  it('does not count an instance failed with its host: the application did nothing wrong', () => {
    const record = failuresOf([
      view('failed', 1000, { reason: 'anything', cause: 'host-down' }),
      view('failed', 2000, { reason: 'said otherwise', cause: 'host-partitioned' }),
      view('failed', 3000, { reason: 'exited with code 1' }),
    ]);
    expect(record).toEqual({ consecutive: 1, lastAt: 3000, lastReason: 'exited with code 1' });
  });

  it('counts a failure whose words only look like a host’s: the cause says, not the reason', () => {
    const record = failuresOf([view('failed', 1000, { reason: 'host db-1 down, giving up' })]);
    expect(record).toEqual({
      consecutive: 1,
      lastAt: 1000,
      lastReason: 'host db-1 down, giving up',
    });
  });
});
