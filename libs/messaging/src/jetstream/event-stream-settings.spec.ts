import { Subjects } from '@federa/contracts';
import { DiscardPolicy, nanos, RetentionPolicy, StorageType, type StreamConfig } from 'nats';
import {
  eventStreamConfig,
  eventStreamDuplicateWindowMs,
  isReplicaPlacementRefusal,
  planEventStreamChange,
} from './event-stream-settings';

const subjects = new Subjects('fed');
const day = 86_400_000;

/** The stream as nats-server reports one Federa created with no setting. */
function existing(overrides: Partial<StreamConfig> = {}): StreamConfig {
  return {
    ...(eventStreamConfig(subjects, {}) as StreamConfig),
    max_msgs: -1,
    max_msgs_per_subject: -1,
    max_msg_size: -1,
    max_consumers: -1,
    ...overrides,
  };
}

describe('the event stream configuration', () => {
  it('is single-node, file-backed and without limits when nothing is set, as before', () => {
    expect(eventStreamConfig(subjects, {})).toEqual({
      name: subjects.eventStream,
      subjects: [subjects.allEvents],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      num_replicas: 1,
      max_age: 0,
      max_bytes: -1,
      duplicate_window: nanos(eventStreamDuplicateWindowMs),
    });
  });

  it('takes the replicas and limits that are set', () => {
    expect(
      eventStreamConfig(subjects, { replicas: 3, maxAgeMs: 7 * day, maxBytes: 1 << 30 }),
    ).toMatchObject({ num_replicas: 3, max_age: nanos(7 * day), max_bytes: 1 << 30 });
  });
});

describe('a change of settings on an existing event stream', () => {
  it('keeps a stream that already has the settings', () => {
    expect(planEventStreamChange(existing(), subjects, { replicas: 1, maxAgeMs: 0 })).toEqual({
      action: 'keep',
    });
    expect(
      planEventStreamChange(existing({ num_replicas: 3, max_age: nanos(day) }), subjects, {
        replicas: 3,
        maxAgeMs: day,
      }),
    ).toEqual({ action: 'keep' });
  });

  it('leaves alone what no variable sets, such as a limit an operator set by hand', () => {
    const byHand = existing({ num_replicas: 3, max_age: nanos(day), max_bytes: 5 << 20 });
    expect(planEventStreamChange(byHand, subjects, {})).toEqual({ action: 'keep' });
  });

  it('applies more replicas and a looser limit without a warning', () => {
    const plan = planEventStreamChange(existing({ max_age: nanos(day) }), subjects, {
      replicas: 3,
      maxAgeMs: 7 * day,
      maxBytes: 0,
    });
    expect(plan).toEqual({
      action: 'update',
      config: expect.objectContaining({ num_replicas: 3, max_age: nanos(7 * day), max_bytes: -1 }),
      changes: [
        'replicas 1 → 3 (FEDERA_STREAM_REPLICAS)',
        'max age 1d → 7d (FEDERA_STREAM_MAX_AGE)',
      ],
      warnings: [],
    });
  });

  it('applies fewer replicas and a tighter or new limit, saying what the stream loses', () => {
    const plan = planEventStreamChange(
      existing({ num_replicas: 3, max_age: nanos(7 * day) }),
      subjects,
      { replicas: 1, maxAgeMs: day, maxBytes: 1 << 30 },
    );
    expect(plan).toEqual({
      action: 'update',
      config: expect.objectContaining({ num_replicas: 1, max_age: nanos(day), max_bytes: 1 << 30 }),
      changes: [
        'replicas 3 → 1 (FEDERA_STREAM_REPLICAS)',
        'max age 7d → 1d (FEDERA_STREAM_MAX_AGE)',
        'max bytes none → 1073741824 bytes (FEDERA_STREAM_MAX_BYTES)',
      ],
      warnings: [
        `stream ${subjects.eventStream} keeps 1 copy instead of 3: it survives fewer lost servers`,
        `stream ${subjects.eventStream} now discards messages older than 1d (the event log keeps them)`,
        `stream ${subjects.eventStream} now discards its oldest messages beyond 1073741824 bytes (the event log keeps them)`,
      ],
    });
  });

  it('keeps the rest of the configuration as it is when it updates', () => {
    const plan = planEventStreamChange(existing({ max_consumers: 10 }), subjects, { replicas: 3 });
    expect(plan.action === 'update' && plan.config).toEqual({
      ...existing({ max_consumers: 10 }),
      num_replicas: 3,
    });
  });

  it('makes a stream that would refuse publishes once full drop its oldest messages instead', () => {
    const discardNew = existing({ discard: DiscardPolicy.New });
    const plan = planEventStreamChange(discardNew, subjects, { maxBytes: 1 << 30 });
    expect(plan).toMatchObject({
      action: 'update',
      config: { discard: DiscardPolicy.Old, max_bytes: 1 << 30 },
      changes: [
        'max bytes none → 1073741824 bytes (FEDERA_STREAM_MAX_BYTES)',
        'discard new → old (a full stream would refuse every publish; it drops its oldest messages instead)',
      ],
    });
    // A count limit set by hand fills the stream too.
    expect(
      planEventStreamChange(existing({ discard: DiscardPolicy.New, max_msgs: 1000 }), subjects, {}),
    ).toMatchObject({ action: 'update', config: { discard: DiscardPolicy.Old, max_msgs: 1000 } });
    // Without such a limit the stream never fills, and a reader changes nothing.
    expect(planEventStreamChange(discardNew, subjects, { maxAgeMs: day })).toMatchObject({
      config: { discard: DiscardPolicy.New },
    });
    expect(
      planEventStreamChange(existing({ discard: DiscardPolicy.New, max_bytes: 1 << 30 }), subjects),
    ).toEqual({ action: 'keep' });
  });

  it('tells a refusal to place the replicas, which may pass, from a refusal of the stream itself', () => {
    expect(isReplicaPlacementRefusal('insufficient resources')).toBe(true);
    expect(isReplicaPlacementRefusal('no suitable peers for placement')).toBe(true);
    expect(isReplicaPlacementRefusal('replicas > 1 not supported in non-clustered mode')).toBe(
      true,
    );
    expect(isReplicaPlacementRefusal('stream configuration update can not change storage')).toBe(
      false,
    );
  });

  it('refuses what JetStream cannot change or a stream that is not the event stream, naming each', () => {
    const plan = planEventStreamChange(
      existing({
        storage: StorageType.Memory,
        retention: RetentionPolicy.Workqueue,
        subjects: ['other.>'],
      }),
      subjects,
      { replicas: 3 },
    );
    expect(plan.action).toBe('refuse');
    const reasons = plan.action === 'refuse' ? plan.reasons : [];
    expect(reasons).toHaveLength(3);
    expect(reasons[0]).toMatch(/keeps its messages in memory.*cannot change the storage/);
    expect(reasons[1]).toMatch(/has retention workqueue.*cannot change the retention/);
    expect(reasons[2]).toMatch(/does not hold the subjects fed\.events\.> \(it holds other\.>\)/);
  });

  it('takes any stream as it is for a process that only reads it, but widens a short duplicate window', () => {
    const memory = existing({ storage: StorageType.Memory, num_replicas: 3 });
    expect(planEventStreamChange(memory, subjects)).toEqual({ action: 'keep' });
    const short = existing({ duplicate_window: nanos(10_000) });
    expect(planEventStreamChange(short, subjects)).toEqual({
      action: 'update',
      config: { ...short, duplicate_window: nanos(eventStreamDuplicateWindowMs) },
      changes: ['duplicate window 10s → 2m'],
      warnings: [],
    });
  });
});
