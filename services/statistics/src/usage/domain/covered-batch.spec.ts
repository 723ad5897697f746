import type { UsageHeartbeat } from './heartbeat-check';
import { splitByHost, uncoveredPart } from './covered-batch';
import { MinuteAccumulator } from './minute-accumulator';

const minute = Date.UTC(2026, 2, 1, 10, 7);
const beat = (host: string, seq: number, epoch = 1): UsageHeartbeat => ({
  host,
  epoch,
  seq,
  sentAt: minute + seq * 1000,
  intervalMs: 1000,
  samples: [
    {
      instance: `${host}-web-1`,
      cpuMillis: 1000,
      memoryBytes: 0,
      storageBytes: 0,
      networkInBytes: 0,
      networkOutBytes: 0,
      load: undefined,
    },
  ],
});

describe('leaving out what the stored marks show was written already', () => {
  const batch = () => {
    const acc = new MinuteAccumulator();
    for (const b of [beat('mph-1', 1), beat('mph-1', 2), beat('mph-2', 5)]) acc.add(b);
    return acc.take();
  };

  it('writes the whole batch when no host was written past what the batch holds', () => {
    const whole = batch();
    const stored = new Map([['mph-2', { epoch: 1, seq: 4 }]]);
    expect(uncoveredPart(whole, stored)).toEqual(whole);
  });

  it('does not add a batch again whose commit succeeded but reported an error', () => {
    const retried = batch();
    const stored = new Map([
      ['mph-1', { epoch: 1, seq: 2 }],
      ['mph-2', { epoch: 1, seq: 5 }],
    ]);
    expect(uncoveredPart(retried, stored)).toEqual({ minutes: [], marks: [], heartbeats: 0 });
  });

  it('leaves out only the hosts covered, by sequence or by a newer agent run', () => {
    const stored = new Map([['mph-1', { epoch: 2, seq: 1 }]]);
    const part = uncoveredPart(batch(), stored);
    expect(part.minutes.map((m) => m.host)).toEqual(['mph-2']);
    expect(part.marks).toEqual([{ host: 'mph-2', epoch: 1, seq: 5, heartbeats: 1 }]);
    expect(part.heartbeats).toBe(1);
  });
});

describe('cutting a batch Postgres refused in two by host', () => {
  it('keeps each host whole, with its rows, mark and heartbeats, in one half', () => {
    const acc = new MinuteAccumulator();
    for (const b of [beat('mph-1', 1), beat('mph-2', 1), beat('mph-2', 2), beat('mph-3', 1)]) {
      acc.add(b);
    }
    const [first, second] = splitByHost(acc.take())!;
    expect(first.marks.map((m) => m.host)).toEqual(['mph-1', 'mph-2']);
    expect(first.minutes.map((m) => m.host)).toEqual(['mph-1', 'mph-2']);
    expect(first.heartbeats).toBe(3);
    expect(second).toMatchObject({ minutes: [{ host: 'mph-3' }], heartbeats: 1 });
  });

  it('leaves a batch of one host as it is: that host is what Postgres refuses', () => {
    const acc = new MinuteAccumulator();
    acc.add(beat('mph-1', 1));
    expect(splitByHost(acc.take())).toBeUndefined();
  });
});
