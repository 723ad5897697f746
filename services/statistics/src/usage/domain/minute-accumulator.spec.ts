import type { UsageHeartbeat } from './heartbeat-check';
import { MinuteAccumulator } from './minute-accumulator';

const GiB = 1024 ** 3;
const minute = Date.UTC(2026, 2, 1, 10, 7);

const beat = (seq: number, over: Partial<UsageHeartbeat> = {}): UsageHeartbeat => ({
  host: 'mph-1',
  epoch: 1,
  seq,
  sentAt: minute + seq * 1000,
  intervalMs: 1000,
  samples: [
    {
      instance: 'shop-web-1',
      cpuMillis: 500,
      memoryBytes: 2 * GiB,
      storageBytes: 36 * GiB,
      networkInBytes: 100,
      networkOutBytes: 300,
      load: seq % 2 === 0 ? 0.5 : undefined,
    },
  ],
  ...over,
});

describe('adding heartbeats up per instance and minute', () => {
  it('turns a minute of 1-second heartbeats into cpu-seconds, GiB-minutes, GiB-hours and bytes', () => {
    const acc = new MinuteAccumulator();
    for (let seq = 1; seq <= 59; seq++) expect(acc.add(beat(seq))).toBe('counted');
    const { minutes, marks, heartbeats } = acc.take();
    expect(heartbeats).toBe(59);
    expect(marks).toEqual([{ host: 'mph-1', epoch: 1, seq: 59, heartbeats: 59 }]);
    expect(minutes).toHaveLength(1);
    const row = minutes[0];
    expect(row).toMatchObject({ instance: 'shop-web-1', minute, host: 'mph-1', samples: 59 });
    expect(row.cpuSeconds).toBeCloseTo(29.5);
    expect(row.memoryGibMinutes).toBeCloseTo((2 * 59) / 60);
    expect(row.storageGibHours).toBeCloseTo((36 * 59) / 3600);
    expect(row.networkInBytes).toBe(5900);
    expect(row.networkOutBytes).toBe(17700);
    expect(row.loadSamples).toBe(29);
    expect(row.loadSum / row.loadSamples).toBeCloseTo(0.5);
  });

  it('counts a replayed heartbeat once, however often it arrives', () => {
    const acc = new MinuteAccumulator();
    acc.add(beat(1));
    acc.add(beat(2));
    expect(acc.add(beat(2))).toBe('replayed');
    expect(acc.add(beat(1))).toBe('replayed');
    expect(acc.take().minutes[0].samples).toBe(2);
  });

  it('refuses replays of what was counted before a restart, from the marks stored', () => {
    const acc = new MinuteAccumulator();
    acc.remember([{ host: 'mph-1', epoch: 1, seq: 5 }]);
    expect(acc.add(beat(5))).toBe('replayed');
    expect(acc.add(beat(6))).toBe('counted');
  });

  it("counts a new agent run from its first heartbeat and refuses the old run's late ones", () => {
    const acc = new MinuteAccumulator();
    acc.add(beat(40));
    expect(acc.add(beat(1, { epoch: 2 }))).toBe('counted');
    expect(acc.add(beat(41))).toBe('stale');
    expect(acc.take().marks).toEqual([{ host: 'mph-1', epoch: 2, seq: 1, heartbeats: 2 }]);
  });

  it('keeps an instance that moved during a minute apart on each host', () => {
    const acc = new MinuteAccumulator();
    acc.add(beat(1));
    acc.add(beat(1, { host: 'mph-2' }));
    expect(
      acc
        .take()
        .minutes.map((m) => m.host)
        .sort(),
    ).toEqual(['mph-1', 'mph-2']);
  });

  it('keeps each batch apart, so that a failed one is written again as it was', () => {
    const acc = new MinuteAccumulator();
    acc.add(beat(1));
    const failed = acc.take();
    acc.add(beat(2));
    acc.add(beat(3));
    const next = acc.take();
    expect(failed.marks).toEqual([{ host: 'mph-1', epoch: 1, seq: 1, heartbeats: 1 }]);
    expect(next.marks).toEqual([{ host: 'mph-1', epoch: 1, seq: 3, heartbeats: 2 }]);
    expect(next.minutes[0].samples).toBe(2);
  });

  it('counts a heartbeat in the minute of its sending time', () => {
    const acc = new MinuteAccumulator();
    acc.add(beat(1, { sentAt: minute + 59_999 }));
    acc.add(beat(2, { sentAt: minute + 60_000 }));
    expect(acc.take().minutes.map((m) => m.minute)).toEqual([minute, minute + 60_000]);
  });
});
