import { checkUsageHeartbeat as checkAt, usageLimits } from './heartbeat-check';

const sentAt = Date.UTC(2026, 2, 1, 10, 7, 30);
const now = sentAt + 2_000;
const checkUsageHeartbeat = (plain: unknown, host: string, at = now) => checkAt(plain, host, at);

const beat = (over: Record<string, unknown> = {}) => ({
  host: 'mph-1',
  epoch: 3,
  seq: 10,
  sentAt,
  intervalMs: 1000,
  usage: { cpuMillis: 1, memoryBytes: 1, storageBytes: 1, networkBytes: 1 },
  instances: [
    {
      instance: 'shop-web-1',
      state: 'running',
      load: 0.5,
      usage: {
        cpuMillis: 250,
        memoryBytes: 1024,
        storageBytes: 2048,
        networkBytes: 300,
        networkInBytes: 100,
        networkOutBytes: 200,
      },
    },
    { instance: 'shop-db-1', state: 'starting' },
  ],
  ...over,
});

describe('checking a heartbeat for usage', () => {
  it('takes the instances that report usage, with their network split', () => {
    const checked = checkUsageHeartbeat(beat(), 'mph-1');
    expect(checked).toEqual({
      ok: true,
      value: {
        host: 'mph-1',
        epoch: 3,
        seq: 10,
        sentAt: Date.UTC(2026, 2, 1, 10, 7, 30),
        intervalMs: 1000,
        samples: [
          {
            instance: 'shop-web-1',
            cpuMillis: 250,
            memoryBytes: 1024,
            storageBytes: 2048,
            networkInBytes: 100,
            networkOutBytes: 200,
            load: 0.5,
          },
        ],
      },
    });
  });

  it('counts half of the total each way for an agent older than the split', () => {
    const old = beat({
      instances: [
        {
          instance: 'shop-web-1',
          state: 'running',
          usage: { cpuMillis: 0, memoryBytes: 0, storageBytes: 0, networkBytes: 300 },
        },
      ],
    });
    const checked = checkUsageHeartbeat(old, 'mph-1');
    expect(checked.ok && checked.value.samples[0]).toMatchObject({
      networkInBytes: 150,
      networkOutBytes: 150,
      load: undefined,
    });
  });

  it('refuses a heartbeat naming every bad field, whatever else is right', () => {
    const checked = checkUsageHeartbeat(
      beat({
        host: 'mph-2',
        seq: 0,
        intervalMs: 'soon',
        instances: [
          { instance: '../x', state: 'running', load: 2 },
          {
            instance: 'ok-1',
            state: 'running',
            usage: { cpuMillis: -1, memoryBytes: 1, storageBytes: 1, networkBytes: Infinity },
          },
        ],
      }),
      'mph-1',
    );
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.errors.map((e) => e.path)).toEqual([
      'host',
      'seq',
      'intervalMs',
      'instances[0].instance',
      'instances[0].load',
      'instances[1].usage.cpuMillis',
      'instances[1].usage.networkBytes',
    ]);
  });

  it('refuses what is not an object, and instances that are not a list', () => {
    expect(checkUsageHeartbeat(undefined, 'mph-1')).toEqual({
      ok: false,
      errors: [{ path: '', reason: 'must be an object' }],
    });
    const checked = checkUsageHeartbeat(beat({ instances: {} }), 'mph-1');
    expect(!checked.ok && checked.errors).toEqual([
      { path: 'instances', reason: 'must be an array' },
    ]);
  });

  it('refuses a usage figure beyond what any machine reports, naming it, so it cannot stop a flush', () => {
    const huge = beat({
      instances: [
        {
          instance: 'shop-web-1',
          state: 'running',
          usage: {
            cpuMillis: 1,
            memoryBytes: 1,
            storageBytes: 1,
            networkBytes: 1e21,
            networkInBytes: usageLimits.networkInBytes,
            networkOutBytes: usageLimits.networkOutBytes + 1,
          },
        },
      ],
    });
    const checked = checkUsageHeartbeat(huge, 'mph-1');
    expect(!checked.ok && checked.errors).toEqual([
      {
        path: 'instances[0].usage.networkBytes',
        reason: 'must be a number from 0 to 1000000000000',
      },
      {
        path: 'instances[0].usage.networkOutBytes',
        reason: 'must be a number from 0 to 1000000000000',
      },
    ]);
  });

  it('refuses a sentAt older than 48 hours or more than 5 minutes ahead, naming it', () => {
    for (const at of [now - 48 * 3_600_000 - 1, now + 5 * 60_000 + 1, 0]) {
      const checked = checkUsageHeartbeat(beat({ sentAt: at }), 'mph-1');
      expect(!checked.ok && checked.errors.map((e) => e.path)).toEqual(['sentAt']);
    }
    expect(checkUsageHeartbeat(beat({ sentAt: now + 5 * 60_000 }), 'mph-1').ok).toBe(true);
  });

  it('dates a heartbeat from a clock ahead (within the 5 minutes) when it arrived, not in a minute still to come', () => {
    const ahead = checkUsageHeartbeat(beat({ sentAt: now + 4 * 60_000 }), 'mph-1');
    expect(ahead.ok && ahead.value.sentAt).toBe(now);
    // One from a clock behind keeps its own date: it may have been sent then, its minute is past.
    const behind = checkUsageHeartbeat(beat({ sentAt: now - 4 * 60_000 }), 'mph-1');
    expect(behind.ok && behind.value.sentAt).toBe(now - 4 * 60_000);
  });

  it('refuses an instance listed twice in one heartbeat instead of counting it twice', () => {
    const listed = beat().instances[0];
    const checked = checkUsageHeartbeat(beat({ instances: [listed, listed] }), 'mph-1');
    expect(!checked.ok && checked.errors).toEqual([
      { path: 'instances[1].instance', reason: 'must not repeat instances[0]' },
    ]);
  });
});
