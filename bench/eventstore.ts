// Event log benchmark: append, projection rebuild and relay, each against a raw baseline in the same run.
// Run: npm run bench:eventstore   (quick: EVENTSTORE_BENCH_EVENTS=100000 npm run bench:eventstore)
// Last line: one JSON object with the ratios (see docs/BENCHMARKS.md, 'Event log').
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Subjects, type RecordedEvent } from '@federa/contracts';
import {
  acceptAnyObject,
  migrateEventStore,
  PostgresEventStore,
  PostgresLeaderLease,
  ProjectionRunner,
  type LogCheckpoint,
  type Projection,
  type Queryable,
} from '@federa/eventstore';
import { connectNats, encodeEventMessage } from '@federa/messaging';
import { freshDatabase, uniquePrefix } from '@federa/testing';
import { Pool } from 'pg';
import { EventRelay, relayConnectionOptions, relayLeaseName } from '../services/relay/src';

const rebuildEvents = Number(process.env.EVENTSTORE_BENCH_EVENTS ?? 1_000_000);
const appendBatchesPerWriter = Number(process.env.EVENTSTORE_BENCH_APPEND_BATCHES ?? 150);
const relayEvents = Number(process.env.EVENTSTORE_BENCH_RELAY_EVENTS ?? 50_000);
/** Alternating rounds of baseline and subject in the rebuild and relay parts. */
const rounds = Number(process.env.EVENTSTORE_BENCH_ROUNDS ?? 2);
const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const writers = 8;
const batchSize = 100;

const metadata = () => ({
  correlationId: randomUUID(),
  actor: 'bench',
  occurredAt: new Date().toISOString(),
});
const usageData = (i: number) => ({ instance: `i-${i % 1000}`, cpuMillis: i % 977, samples: 60 });

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** What one timed run did: how many events, and what to undo outside the timing. */
interface Measured {
  count: number;
  cleanUp?: () => Promise<void>;
}

/**
 * Times the raw baseline and the subject alternately, `rounds` times each, and keeps each one's best
 * rate: on a machine shared with other engineers, load comes and goes within seconds, and taking both
 * side by side (and the first rounds' warm-up out) keeps the ratio about Federa rather than the neighbours.
 */
async function alternate(
  label: string,
  raw: () => Promise<Measured>,
  subject: () => Promise<Measured>,
): Promise<{ raw: number; subject: number }> {
  const best = { raw: 0, subject: 0 };
  for (let round = 1; round <= rounds; round++) {
    for (const side of ['raw', 'subject'] as const) {
      const started = performance.now();
      const run = await (side === 'raw' ? raw() : subject());
      const rate = run.count / ((performance.now() - started) / 1000);
      await run.cleanUp?.();
      log(`${label} round ${round}: ${side} ${rate.toFixed(0)} events/s (${run.count})`);
      best[side] = Math.max(best[side], rate);
    }
  }
  return best;
}

/** 8 writers, batches of 100, through the store vs the same rows as raw multi-row INSERTs. */
async function benchAppend(pool: Pool, store: PostgresEventStore) {
  await pool.query(
    'CREATE SCHEMA bench_raw; CREATE TABLE bench_raw.events (LIKE eventlog.events INCLUDING ALL)',
  );
  const total = writers * appendBatchesPerWriter * batchSize;
  const storeStart = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      let version = 0;
      for (let b = 0; b < appendBatchesPerWriter; b++) {
        const batch = Array.from({ length: batchSize }, (_, i) => ({
          type: 'UsageRecorded',
          data: usageData(b * batchSize + i),
          metadata: metadata(),
        }));
        version = (await store.append(`bench-${w}`, version === 0 ? 'no-stream' : version, batch))
          .nextExpectedVersion;
      }
    }),
  );
  const storeRate = total / ((performance.now() - storeStart) / 1000);

  const rawStart = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let b = 0; b < appendBatchesPerWriter; b++) {
        const values: unknown[] = [];
        const rows: string[] = [];
        for (let i = 0; i < batchSize; i++) {
          const p = values.length;
          rows.push(
            `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7}, $${p + 8})`,
          );
          values.push(
            `raw-${w}`,
            'raw',
            b * batchSize + i + 1,
            randomUUID(),
            'UsageRecorded',
            1,
            JSON.stringify(usageData(b * batchSize + i)),
            JSON.stringify(metadata()),
          );
        }
        await pool.query(
          `INSERT INTO bench_raw.events (stream_id, stream_category, stream_version, event_id, type, schema_version, data, metadata)
           VALUES ${rows.join(', ')}`,
          values,
        );
      }
    }),
  );
  const rawRate = total / ((performance.now() - rawStart) / 1000);
  log(
    `append: store ${storeRate.toFixed(0)} ev/s, raw INSERT ${rawRate.toFixed(0)} ev/s (${total} events)`,
  );

  const latencies: number[] = [];
  let version = 0;
  for (let i = 0; i < 500; i++) {
    const started = performance.now();
    version = (
      await store.append('bench-single', version === 0 ? 'no-stream' : version, [
        { type: 'UsageRecorded', data: usageData(i), metadata: metadata() },
      ])
    ).nextExpectedVersion;
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  return {
    append_ratio: storeRate / rawRate,
    append_events_per_s: Math.round(storeRate),
    append_single_p50_ms: percentile(latencies, 50),
    append_single_p99_ms: percentile(latencies, 99),
  };
}

/** A read model of events and last version per stream: one upsert per page, as a real projection would batch. */
class StreamTallyProjection implements Projection {
  readonly name = 'bench.stream_tally';

  async setup(db: Queryable): Promise<void> {
    await db.query({
      text: `CREATE SCHEMA IF NOT EXISTS bench;
        CREATE TABLE IF NOT EXISTS bench.stream_tally (stream_id text PRIMARY KEY, events bigint NOT NULL, last_version bigint NOT NULL, cpu_millis bigint NOT NULL)`,
    });
  }

  async apply(db: Queryable, events: RecordedEvent[]): Promise<void> {
    const tally = new Map<string, { events: number; lastVersion: number; cpu: number }>();
    for (const e of events) {
      const t = tally.get(e.streamId) ?? { events: 0, lastVersion: 0, cpu: 0 };
      t.events++;
      t.lastVersion = e.streamVersion;
      t.cpu += (e.data as { cpuMillis?: number }).cpuMillis ?? 0;
      tally.set(e.streamId, t);
    }
    const ids = [...tally.keys()];
    await db.query({
      text: `INSERT INTO bench.stream_tally (stream_id, events, last_version, cpu_millis)
             SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[])
             ON CONFLICT (stream_id) DO UPDATE SET events = stream_tally.events + excluded.events,
               last_version = excluded.last_version, cpu_millis = stream_tally.cpu_millis + excluded.cpu_millis`,
      values: [
        ids,
        ids.map((id) => tally.get(id)!.events),
        ids.map((id) => tally.get(id)!.lastVersion),
        ids.map((id) => tally.get(id)!.cpu),
      ],
    });
  }

  async drop(db: Queryable): Promise<void> {
    await db.query({ text: 'DROP SCHEMA IF EXISTS bench CASCADE' });
  }
}

/** Rebuild of a projection over N events vs a raw keyset-paged ordered SELECT of the same rows. */
async function benchRebuild(pool: Pool, store: PostgresEventStore) {
  const chunk = 20_000;
  const loadStart = performance.now();
  for (let from = 0; from < rebuildEvents; from += chunk) {
    const to = Math.min(rebuildEvents, from + chunk);
    await pool.query(
      `INSERT INTO eventlog.events (stream_id, stream_category, stream_version, event_id, type, schema_version, data, metadata)
       SELECT 'statistics-i' || (g % 1000), 'statistics', g / 1000 + 1, gen_random_uuid(), 'UsageRecorded', 1,
         jsonb_build_object('instance', 'i-' || (g % 1000), 'cpuMillis', g % 977, 'samples', 60),
         jsonb_build_object('correlationId', gen_random_uuid(), 'actor', 'bench', 'occurredAt', now())
       FROM generate_series($1::bigint, $2::bigint - 1) AS g`,
      [from, to],
    );
  }
  await pool.query('VACUUM ANALYZE eventlog.events');
  const inLog = Number((await pool.query('SELECT count(*) AS n FROM eventlog.events')).rows[0].n);
  log(
    `rebuild: loaded ${rebuildEvents} events in ${((performance.now() - loadStart) / 1000).toFixed(1)} s (log holds ${inLog})`,
  );

  const page = 10_000;
  const rawRead = async () => {
    let rows = 0;
    for (let after = 0; ;) {
      const result = await pool.query(
        `SELECT position, transaction_id, stream_id, stream_version, event_id, type, schema_version, data, metadata, recorded_at
         FROM eventlog.events WHERE position > $1 ORDER BY position LIMIT $2`,
        [after, page],
      );
      if (result.rows.length === 0) return { count: rows };
      rows += result.rows.length;
      after = Number(result.rows[result.rows.length - 1].position);
    }
  };
  const runner = new ProjectionRunner(pool, store, new StreamTallyProjection(), {
    batchSize: page,
  });
  const { subject: rebuildRate, raw: rawRate } = await alternate('rebuild', rawRead, async () => ({
    count: await runner.rebuild(),
  }));
  return {
    rebuild_ratio: rebuildRate / rawRate,
    rebuild_events_per_s: Math.round(rebuildRate),
    rebuild_raw_rows_per_s: Math.round(rawRate),
  };
}

/** The relay draining M events to JetStream vs raw async publishes of the same payloads. */
async function benchRelay() {
  const db = await freshDatabase('bench_relay');
  const pool = new Pool({ connectionString: db.url, max: 4 });
  // The relay's own connection settings, for the relay and the baseline alike.
  const nc = await connectNats(natsUrl, 'bench-relay', relayConnectionOptions);
  try {
    await migrateEventStore(pool);
    const store = new PostgresEventStore(pool, { validate: acceptAnyObject });
    for (let from = 0; from < relayEvents; from += 1000) {
      const n = Math.min(1000, relayEvents - from);
      await store.append(
        `statistics-r${from}`,
        'no-stream',
        Array.from({ length: n }, (_, i) => ({
          type: 'UsageRecorded',
          data: usageData(from + i),
          metadata: metadata(),
        })),
      );
    }
    // A transaction still open anywhere on the server holds readAll back (it reads below the oldest
    // running transaction): collect until every appended event is visible.
    const events: RecordedEvent[] = [];
    const deadline = Date.now() + 120_000;
    for (let after = null as LogCheckpoint | null; events.length < relayEvents;) {
      if (Date.now() > deadline) throw new Error('appended events still not visible after 120 s');
      const page = await store.readAll(after, relayEvents - events.length);
      events.push(...page.events);
      after = page.checkpoint;
      if (page.events.length === 0) await new Promise((r) => setTimeout(r, 50));
    }

    const jsm = await nc.jetstreamManager();
    const js = nc.jetstream();
    const window = 500;
    const streams: string[] = [];
    const rawPublish = async () => {
      const rawSubjects = new Subjects(uniquePrefix('benchraw'));
      streams.push(rawSubjects.eventStream);
      await jsm.streams.add({ name: rawSubjects.eventStream, subjects: [rawSubjects.allEvents] });
      for (let from = 0; from < events.length; from += window) {
        await Promise.all(
          events
            .slice(from, from + window)
            .map((e) => js.publish(rawSubjects.event('statistics', e.type), encodeEventMessage(e))),
        );
      }
      return { count: events.length };
    };
    const relayDrain = async () => {
      // A stream of its own each round, so a fresh checkpoint (relay:<stream>) too.
      const subjects = new Subjects(uniquePrefix('benchrelay'));
      streams.push(subjects.eventStream);
      const relay = new EventRelay({
        pool,
        nc,
        subjects,
        store,
        lease: new PostgresLeaderLease(db.url, relayLeaseName),
        batchSize: window,
        pollMs: 5,
      });
      relay.start();
      while (relay.published < events.length) await new Promise((r) => setTimeout(r, 5));
      return { count: events.length, cleanUp: () => relay.stop() };
    };
    const { subject: relayRate, raw: rawRate } = await alternate('relay', rawPublish, relayDrain);
    for (const stream of streams) await jsm.streams.delete(stream).catch(() => undefined);
    return {
      relay_ratio: relayRate / rawRate,
      relay_events_per_s: Math.round(relayRate),
      relay_raw_msgs_per_s: Math.round(rawRate),
    };
  } finally {
    await nc.close();
    await pool.end();
    await db.drop();
  }
}

async function main(): Promise<void> {
  const loadAtStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  const db = await freshDatabase('bench_eventstore');
  const pool = new Pool({ connectionString: db.url, max: writers + 2 });
  try {
    await migrateEventStore(pool);
    const store = new PostgresEventStore(pool, { validate: acceptAnyObject });
    const append = await benchAppend(pool, store);
    const rebuild = await benchRebuild(pool, store);
    const relay = await benchRelay();
    const round = (v: number) => Math.round(v * 1000) / 1000;
    const figures = { ...append, ...rebuild, ...relay, rebuild_events: rebuildEvents };
    const result = {
      bench: 'eventstore',
      load_avg_at_start: loadAtStart,
      ...Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, round(v)])),
      targets: {
        append_ratio: 0.8,
        rebuild_ratio: 0.5,
        rebuild_events_per_s: 100_000,
        relay_ratio: 0.5,
      },
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await pool.end();
    await db.drop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
