import { Subjects } from '@federa/contracts';
import { DiscardPolicy, type JetStreamManager, type StreamConfig, type StreamInfo } from 'nats';
import { ensureEventStream, EventStreamSettingsRefused } from './event-stream';
import { eventStreamConfig } from './event-stream-settings';

const subjects = new Subjects('fed');

/**
 * A JetStream holding the event stream with one replica, whose servers cannot place more than
 * `placeable` replicas now; it records each configuration it is asked to update to.
 */
function jetStream(placeable: number, overrides: Partial<StreamConfig> = {}) {
  let config = {
    ...(eventStreamConfig(subjects, {}) as StreamConfig),
    max_msgs: -1,
    max_msgs_per_subject: -1,
    ...overrides,
  };
  const updates: StreamConfig[] = [];
  const info = () => ({ config, state: { last_seq: 0 } }) as unknown as StreamInfo;
  const jsm = {
    streams: {
      info: () => Promise.resolve(info()),
      update: (_name: string, next: StreamConfig) => {
        updates.push(next);
        if (next.num_replicas > placeable)
          return Promise.reject(new Error('insufficient resources'));
        config = next;
        return Promise.resolve(info());
      },
    },
  } as unknown as JetStreamManager;
  return { jsm, updates, current: () => config };
}

describe('bringing an existing event stream to its settings', () => {
  it('keeps the replicas it has when JetStream cannot place more now, applies the rest, and says so', async () => {
    const js = jetStream(1, { discard: DiscardPolicy.New });
    const deferred: string[] = [];
    const changes: string[] = [];
    const stream = await ensureEventStream(js.jsm, subjects, {
      settings: { replicas: 3, maxBytes: 1 << 30 },
      onChange: (change) => changes.push(...change.changes),
      onReplicasDeferred: (reason) => deferred.push(reason),
    });
    expect(stream.config).toMatchObject({ num_replicas: 1, max_bytes: 1 << 30, discard: 'old' });
    expect(deferred).toHaveLength(1);
    expect(deferred[0]).toMatch(
      /keeps 1 replica\(s\) for now: JetStream cannot place 3 \(FEDERA_STREAM_REPLICAS\): insufficient resources.*publishing goes on/,
    );
    expect(changes).toEqual([
      'max bytes none → 1073741824 bytes (FEDERA_STREAM_MAX_BYTES)',
      'discard new → old (a full stream would refuse every publish; it drops its oldest messages instead)',
    ]);
  });

  it('changes nothing and uses the stream as it is when only the replicas could not be placed', async () => {
    const js = jetStream(1);
    const deferred: string[] = [];
    const stream = await ensureEventStream(js.jsm, subjects, {
      settings: { replicas: 3 },
      onReplicasDeferred: (reason) => deferred.push(reason),
    });
    expect(stream.config.num_replicas).toBe(1);
    expect(js.updates.map((u) => u.num_replicas)).toEqual([3]);
    expect(deferred).toHaveLength(1);
  });

  it('refuses, naming the variable, when the caller cannot try again later', async () => {
    const js = jetStream(1);
    const refused = ensureEventStream(js.jsm, subjects, { settings: { replicas: 3 } });
    await expect(refused).rejects.toThrow(EventStreamSettingsRefused);
    await expect(refused).rejects.toThrow(/with 3 replicas \(FEDERA_STREAM_REPLICAS\) now/);
  });
});

describe('creating the event stream with settings, leaving an existing one as it is', () => {
  it('creates a missing stream with the replicas and limits asked', async () => {
    const added: StreamConfig[] = [];
    const jsm = {
      streams: {
        info: () => Promise.reject(new Error('stream not found')),
        add: (config: StreamConfig) => {
          added.push(config);
          return Promise.resolve({ config, state: { last_seq: 0 } } as unknown as StreamInfo);
        },
      },
    } as unknown as JetStreamManager;
    const stream = await ensureEventStream(jsm, subjects, {
      createWith: { replicas: 3, maxBytes: 1 << 30 },
    });
    expect(stream.config).toMatchObject({ num_replicas: 3, max_bytes: 1 << 30 });
    expect(added).toHaveLength(1);
  });

  it('takes an existing stream as it is, whatever its replicas and limits', async () => {
    const js = jetStream(3);
    const changes: string[] = [];
    const stream = await ensureEventStream(js.jsm, subjects, {
      createWith: { replicas: 3, maxAgeMs: 86_400_000 },
      onChange: (change) => changes.push(...change.changes),
    });
    expect(stream.config).toMatchObject({ num_replicas: 1, max_age: 0 });
    expect(js.updates).toEqual([]);
    expect(changes).toEqual([]);
  });
});
