import { HOST_KEY_MAX_CLOCK_SKEW_MS } from '@federa/contracts';
import {
  EventIdReused,
  StreamVersionConflict,
  type EventStore,
  type StreamAppend,
} from '@federa/eventstore';
import type { Pool } from 'pg';
import {
  hourMs,
  hoursToRecord,
  usageRecordedEvent,
  usageStreamOf,
  type InstanceHourUsage,
} from '../domain/usage-hour';

/**
 * Closed hours are recorded once this long after they end: heartbeats still in flight count, and so
 * do those of an agent whose clock runs behind by as much as a registration allows
 * (HOST_KEY_MAX_CLOCK_SKEW_MS: they are dated by that clock), written by a flush or two (10 s each
 * by default) later. Six minutes: the 5 minutes of skew, two flushes and a margin.
 */
export const hourGraceMs = HOST_KEY_MAX_CLOCK_SKEW_MS + 60_000;
/** Hours further back than this are not recorded any more (after a long stop). */
export const recordLookbackMs = 48 * hourMs;
/** Streams appended per multi-stream append. */
const streamsPerAppend = 200;

/**
 * Appends UsageRecorded (v2) for every closed hour of every instance, to `statistics-<instance>`:
 * one writer (the usage leader), each append with the stream's expected version. A closed hour is
 * processed when its minutes changed (statistics.usage_unrecorded_hours, filled by the flushes); each stream's
 * version and last recorded hour are kept in statistics.usage_streams, so an hour is appended once
 * (later hours only, and a derived event id makes a repeated append a no-op, e.g. after a crash
 * between the append and the bookkeeping). An hour with an instance the catalogue does not know
 * yet is processed again each round (the known ones are not appended twice) until the instance is
 * known or the hour is past the lookback.
 */
export class UsageRecorder {
  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
  ) {}

  /**
   * Records every closed hour whose minutes changed since it was last processed (oldest first, at
   * most `recordLookbackMs` back); answers how many events were appended.
   */
  async recordClosedHours(now = Date.now()): Promise<number> {
    const closedBefore = now - hourGraceMs;
    await this.pool.query('DELETE FROM statistics.usage_unrecorded_hours WHERE hour < $1', [
      new Date(closedBefore - recordLookbackMs),
    ]);
    // touched_at as text: a JS Date would drop its microseconds, and never match again.
    const { rows } = await this.pool.query<{ hour: Date; touched_at: string }>(
      `SELECT hour, touched_at::text FROM statistics.usage_unrecorded_hours
       WHERE hour <= $1 ORDER BY hour`,
      [new Date(closedBefore - hourMs)],
    );
    let appended = 0;
    const failed: string[] = [];
    const occurredAt = new Date(now).toISOString();
    for (const { hour, touched_at: touchedAt } of rows) {
      // Each hour on its own: one that cannot be recorded does not hold the later ones back.
      try {
        const recorded = await this.recordHour(hour.getTime(), closedBefore, occurredAt);
        appended += recorded.appended;
        // An instance the catalogue does not know yet: the hour is looked at again next round.
        if (recorded.unknownInstances > 0) continue;
        await this.pool.query(
          `DELETE FROM statistics.usage_unrecorded_hours WHERE hour = $1 AND touched_at = $2::timestamptz`,
          [hour, touchedAt],
        );
      } catch (error) {
        failed.push(`${hour.toISOString()}: ${(error as Error).message}`);
      }
    }
    if (failed.length > 0) {
      throw new Error(
        `${appended} usage events appended; hours not recorded: ${failed.join('; ')}`,
      );
    }
    return appended;
  }

  private async recordHour(
    hour: number,
    closedBefore: number,
    occurredAt: string,
  ): Promise<{ appended: number; unknownInstances: number }> {
    const found = await this.hoursOf(new Date(hour), new Date(hour + hourMs));
    const candidates = found.filter((c): c is InstanceHourUsage => c.service !== null);
    const unknownInstances = found.length - candidates.length;
    const byInstance = new Map<string, InstanceHourUsage[]>();
    for (const c of candidates) {
      const list = byInstance.get(c.instance) ?? [];
      list.push(c);
      byInstance.set(c.instance, list);
    }
    const streams = await this.streamsOf([...byInstance.keys()]);
    const appends: Array<StreamAppend & { instance: string; lastHour: number }> = [];
    for (const [instance, hours] of byInstance) {
      const known = streams.get(instance);
      const due = hoursToRecord(hours, known?.lastHour, closedBefore);
      if (due.length === 0) continue;
      appends.push({
        instance,
        streamId: usageStreamOf(instance),
        expected: known ? known.version : 'no-stream',
        events: due.map((h) => usageRecordedEvent(h, occurredAt)),
        lastHour: due[due.length - 1].hour,
      });
    }
    let appended = 0;
    for (let i = 0; i < appends.length; i += streamsPerAppend) {
      const chunk = appends.slice(i, i + streamsPerAppend);
      const { versions, appended: written } = await this.append(chunk);
      await this.pool.query(
        `INSERT INTO statistics.usage_streams (instance, version, last_hour)
         SELECT i, v, to_timestamp(h / 1000.0) FROM unnest($1::text[], $2::int[], $3::bigint[]) AS x(i, v, h)
         ON CONFLICT (instance) DO UPDATE SET version = EXCLUDED.version, last_hour = EXCLUDED.last_hour`,
        [chunk.map((a) => a.instance), versions, chunk.map((a) => a.lastHour)],
      );
      appended += written;
    }
    return { appended, unknownInstances };
  }

  /**
   * Appends all streams at once when the store can; one by one otherwise, or when one stream's
   * version was not what statistics.usage_streams said (then the stream itself is asked).
   */
  private async append(chunk: StreamAppend[]): Promise<{ versions: number[]; appended: number }> {
    if (this.store.appendMany) {
      try {
        const result = await this.store.appendMany(chunk);
        return {
          versions: result.streams.map((s) => s.nextExpectedVersion),
          appended: chunk.reduce((n, a) => n + a.events.length, 0),
        };
      } catch {
        // One stream out of step (its bookkeeping lost): each is appended on its own below.
      }
    }
    const versions: number[] = [];
    let appended = 0;
    for (const a of chunk) {
      try {
        versions.push(
          (await this.store.append(a.streamId, a.expected, a.events)).nextExpectedVersion,
        );
        appended += a.events.length;
      } catch (error) {
        // Out of step: another version than kept, or some of these hours in the stream already.
        if (!(error instanceof StreamVersionConflict || error instanceof EventIdReused))
          throw error;
        const missing = await this.appendMissing(a);
        versions.push(missing.version);
        appended += missing.appended;
      }
    }
    return { versions, appended };
  }

  /**
   * The stream holds more than statistics.usage_streams says (its bookkeeping lost after an
   * append): appends, at the version read, only the hours the stream does not record yet.
   */
  private async appendMissing(a: StreamAppend): Promise<{ version: number; appended: number }> {
    const since = typeof a.expected === 'number' ? a.expected + 1 : 1;
    const { events, version } = await this.store.readStream(a.streamId, { fromVersion: since });
    const recorded = new Set(events.map((e) => e.eventId));
    let lastHour = -Infinity;
    for (const e of events) {
      const from = (e.data as { from?: unknown }).from;
      if (e.type === 'UsageRecorded' && typeof from === 'string') {
        lastHour = Math.max(lastHour, Date.parse(from));
      }
    }
    const missing = a.events.filter(
      (e) => !recorded.has(e.eventId!) && Date.parse((e.data as { from: string }).from) > lastHour,
    );
    if (missing.length === 0) return { version, appended: 0 };
    const expected = version === 0 ? 'no-stream' : version;
    const result = await this.store.append(a.streamId, expected, missing);
    return { version: result.nextExpectedVersion, appended: missing.length };
  }

  private async hoursOf(
    from: Date,
    to: Date,
  ): Promise<
    Array<
      Omit<InstanceHourUsage, 'service' | 'app'> & { service: string | null; app: string | null }
    >
  > {
    const { rows } = await this.pool.query<{
      instance: string;
      host: string;
      service: string | null;
      app: string | null;
      hour: Date;
      cpu_seconds: number;
      memory_gib_minutes: number;
      storage_gib_hours: number;
      network_in_bytes: string;
      network_out_bytes: string;
      load_sum: number;
      load_samples: string;
      samples: string;
      active_minutes: string;
    }>(
      `WITH per AS (
  SELECT instance, host, (date_trunc('hour', minute AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS hour,
    sum(cpu_seconds) AS cpu_seconds, sum(memory_gib_minutes) AS memory_gib_minutes,
    sum(storage_gib_hours) AS storage_gib_hours, sum(network_in_bytes) AS network_in_bytes,
    sum(network_out_bytes) AS network_out_bytes, sum(load_sum) AS load_sum,
    sum(load_samples) AS load_samples, sum(samples) AS samples, count(*) AS active_minutes
  FROM statistics.usage_minutes
  WHERE minute >= $1 AND minute < $2
  GROUP BY instance, host, (date_trunc('hour', minute AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
), named AS (
  SELECT DISTINCT ON (id) id, service, app FROM statistics.instances
  WHERE id IN (SELECT instance FROM per)
  ORDER BY id, placed_at DESC
)
SELECT per.*, named.service, named.app FROM per LEFT JOIN named ON named.id = per.instance
WHERE NOT EXISTS (SELECT 1 FROM statistics.usage_streams s
                  WHERE s.instance = per.instance AND s.last_hour >= per.hour)`,
      [from, to],
    );
    return rows.map((r) => ({
      instance: r.instance,
      host: r.host,
      service: r.service,
      app: r.app,
      hour: r.hour.getTime(),
      cpuSeconds: Number(r.cpu_seconds),
      memoryGibMinutes: Number(r.memory_gib_minutes),
      storageGibHours: Number(r.storage_gib_hours),
      networkInBytes: Number(r.network_in_bytes),
      networkOutBytes: Number(r.network_out_bytes),
      loadSum: Number(r.load_sum),
      loadSamples: Number(r.load_samples),
      samples: Number(r.samples),
      activeMinutes: Number(r.active_minutes),
    }));
  }

  private async streamsOf(
    instances: string[],
  ): Promise<Map<string, { version: number; lastHour: number }>> {
    if (instances.length === 0) return new Map();
    const { rows } = await this.pool.query<{ instance: string; version: number; last_hour: Date }>(
      'SELECT instance, version, last_hour FROM statistics.usage_streams WHERE instance = ANY($1)',
      [instances],
    );
    return new Map(
      rows.map((r) => [r.instance, { version: r.version, lastHour: r.last_hour.getTime() }]),
    );
  }
}
