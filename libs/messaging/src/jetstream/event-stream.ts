import type { Subjects } from '@federa/contracts';
import type { JetStreamManager, StreamInfo } from 'nats';
import {
  defaultEventStreamSettings,
  eventStreamConfig,
  eventStreamSettingVariables,
  isReplicaPlacementRefusal,
  planEventStreamChange,
  type EventStreamSettings,
} from './event-stream-settings';

export interface EnsureEventStreamOptions {
  /**
   * The settings the stream must have (the relay's, from `FEDERA_STREAM_*`; `{}` when none is set):
   * an existing stream is brought to them, or refused when its shape is not the event stream's.
   * Without them (a process that only reads the stream) a missing stream is created single-node and
   * an existing one taken as it is.
   */
  settings?: EventStreamSettings;
  /**
   * The settings a missing stream is created with, by a process that does not manage the stream
   * (statistics, a library consumer, which may start before the relay): an existing stream is taken
   * as it is, as without `settings`; the relay alone changes it. Ignored when `settings` is given.
   */
  createWith?: EventStreamSettings;
  /** Told of each change made to an existing stream, and of what the stream loses by it. */
  onChange?: (change: { changes: string[]; warnings: string[] }) => void;
  /**
   * Told when the stream exists but JetStream cannot place the replicas asked now (too few servers
   * up, or in the cluster): the stream keeps its replicas, the other settings are applied, and it is
   * returned usable as it is. The caller tries again later. Without it, such a refusal still throws.
   */
  onReplicasDeferred?: (reason: string) => void;
}

/**
 * The event stream's settings refused: JetStream cannot make the stream what they ask (its storage,
 * retention or subjects differ, or a missing stream cannot be created with that many replicas now).
 * The stream is left as it is; the message names what to change.
 */
export class EventStreamSettingsRefused extends Error {
  override name = 'EventStreamSettingsRefused';
}

/**
 * Creates the JetStream stream of the event log (`Subjects.eventStream`, subjects `<prefix>.events.>`)
 * when missing, and brings an existing one to `options.settings` (docs/adr/event-stream-settings.md).
 * Safe to race.
 */
export async function ensureEventStream(
  jsm: JetStreamManager,
  subjects: Subjects,
  options: EnsureEventStreamOptions = {},
): Promise<StreamInfo> {
  const existing = await jsm.streams.info(subjects.eventStream).catch(() => undefined);
  if (existing) return bringToSettings(jsm, subjects, existing, options);
  const settings = options.settings ?? options.createWith ?? {};
  try {
    return await jsm.streams.add(eventStreamConfig(subjects, settings));
  } catch (error) {
    // Another process created it between our look and our add.
    const created = await jsm.streams.info(subjects.eventStream).catch(() => undefined);
    if (created) return bringToSettings(jsm, subjects, created, options);
    throw refusalOf(error, subjects, settings, 'created') ?? error;
  }
}

async function bringToSettings(
  jsm: JetStreamManager,
  subjects: Subjects,
  existing: StreamInfo,
  options: EnsureEventStreamOptions,
): Promise<StreamInfo> {
  const plan = planEventStreamChange(existing.config, subjects, options.settings);
  if (plan.action === 'keep') return existing;
  if (plan.action === 'refuse') throw new EventStreamSettingsRefused(plan.reasons.join('; '));
  const settings = options.settings ?? {};
  let updated: StreamInfo;
  try {
    updated = await jsm.streams.update(subjects.eventStream, plan.config);
  } catch (error) {
    const text = messageOf(error);
    const replicasChange = plan.config.num_replicas !== existing.config.num_replicas;
    if (!(options.onReplicasDeferred && replicasChange && isReplicaPlacementRefusal(text)))
      throw refusalOf(error, subjects, settings, 'updated') ?? error;
    // The stream as it is still takes publishes: keep its replicas for now, apply the rest.
    options.onReplicasDeferred(
      `stream ${subjects.eventStream} keeps ${existing.config.num_replicas} replica(s) for now: ` +
        `JetStream cannot place ${plan.config.num_replicas} (${eventStreamSettingVariables.replicas}): ${text}. ` +
        `Fewer than ${plan.config.num_replicas} servers with JetStream are up (one down or still starting), ` +
        'or the cluster has fewer; publishing goes on, and the change is tried again later',
    );
    return bringToSettings(jsm, subjects, existing, {
      ...options,
      settings: { ...settings, replicas: undefined },
    });
  }
  options.onChange?.({ changes: plan.changes, warnings: plan.warnings });
  return updated;
}

function messageOf(error: unknown): string {
  return String(error instanceof Error ? error.message : error);
}

/** A server's refusal of the settings, said in the operator's terms; undefined for other failures. */
function refusalOf(
  error: unknown,
  subjects: Subjects,
  settings: EventStreamSettings,
  verb: 'created' | 'updated',
): EventStreamSettingsRefused | undefined {
  const text = messageOf(error);
  const replicas = settings.replicas ?? defaultEventStreamSettings.replicas;
  if (isReplicaPlacementRefusal(text))
    return new EventStreamSettingsRefused(
      `stream ${subjects.eventStream} cannot be ${verb} with ${replicas} replicas ` +
        `(${eventStreamSettingVariables.replicas}) now: ${text}; JetStream needs ${replicas} servers ` +
        'with JetStream up: one may be down or still starting (tried again shortly), or the cluster ' +
        `has fewer (lower ${eventStreamSettingVariables.replicas})`,
    );
  if (/can not change|cannot change|can not be larger/i.test(text))
    return new EventStreamSettingsRefused(
      `stream ${subjects.eventStream} cannot be ${verb} with these settings: ${text}`,
    );
  return undefined;
}
