import { Subjects } from '@federa/contracts';
import type { NatsConnection } from 'nats';
import type { Client } from 'pg';
import { processCounts } from '../../test/outage-harness';
import type { SoakApi } from './soak-api';
import { percentile, round } from './soak-figures';
import type { SoakLedger } from './soak-ledger';
import type { SoakService } from './soak-specs';

const live = new Set(['starting', 'running', 'healthy', 'unhealthy', 'migrating']);

/** The acknowledged commands whose effect the log lacks (the ledger's check over the whole log). */
export async function lostCommands(db: Client, ledger: SoakLedger): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT stream_id AS "streamId", type, data FROM eventlog.events
      WHERE stream_id LIKE 'service-%'
         OR (stream_id LIKE 'host-%' AND type IN ('HostDrainStarted', 'HostUncordoned'))
         OR type = 'MigrationStarted'
      ORDER BY position`,
  );
  return ledger.missingFrom(rows);
}

/**
 * Instances that run twice: real ones with more than one process on this machine (FEDERA_INSTANCE
 * in their environment), simulated ones reported live by two hosts' heartbeats within one
 * `windowMs` (every host beats at least once in it).
 */
export async function runningTwice(
  nc: NatsConnection,
  prefix: string,
  windowMs: number,
): Promise<{ real: string[]; simulated: string[] }> {
  const real = [...processCounts()]
    .filter(([instance, count]) => instance.startsWith('soak-') && count > 1)
    .map(([instance, count]) => `${instance} (${count} processes)`);
  const hostsOf = new Map<string, Set<string>>();
  const decoder = new TextDecoder();
  const subscription = nc.subscribe(new Subjects(prefix).allHeartbeats, {
    callback: (_error, msg) => {
      const beat = JSON.parse(decoder.decode(msg.data)) as {
        host: string;
        instances?: { instance: string; state: string }[];
      };
      for (const i of beat.instances ?? []) {
        if (!live.has(i.state)) continue;
        const hosts = hostsOf.get(i.instance) ?? new Set<string>();
        hosts.add(beat.host);
        hostsOf.set(i.instance, hosts);
      }
    },
  });
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  subscription.unsubscribe();
  const simulated = [...hostsOf]
    .filter(([, hosts]) => hosts.size > 1)
    .map(([instance, hosts]) => `${instance} on ${[...hosts].join(', ')}`);
  return { real, simulated };
}

interface HostView {
  id: string;
  state: string;
  capacity: Record<string, number>;
  allocated: Record<string, number>;
}

/** Hosts whose allocations exceed their capacity in any resource, as the API reports them. */
export async function overCommittedHosts(
  api: SoakApi,
): Promise<{ hosts: string[]; checked: number }> {
  const hosts = await api.all<HostView>('/v1/hosts');
  const over = hosts
    .filter((h) =>
      Object.entries(h.allocated ?? {}).some(
        ([kind, amount]) => amount > (h.capacity?.[kind] ?? Infinity),
      ),
    )
    .map((h) => `${h.id} ${JSON.stringify(h.allocated)} > ${JSON.stringify(h.capacity)}`);
  return { hosts: over, checked: hosts.length };
}

/**
 * Placement latency from the log's timestamps: each instance's first InstanceRequested to its first
 * InstancePlaced (recorded_at, the time Postgres stored each), for instances requested in [from, to).
 */
export async function placementLatency(
  db: Client,
  fromMs: number,
  toMs: number,
): Promise<{
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  unplaced: number;
}> {
  const { rows } = await db.query<{ ms: string | null }>(
    `WITH requested AS (
       SELECT stream_id, min(recorded_at) AS at FROM eventlog.events
        WHERE type = 'InstanceRequested' GROUP BY stream_id),
     placed AS (
       SELECT stream_id, min(recorded_at) AS at FROM eventlog.events
        WHERE type = 'InstancePlaced' GROUP BY stream_id)
     SELECT (extract(epoch FROM p.at - r.at) * 1000)::float8 AS ms
       FROM requested r LEFT JOIN placed p USING (stream_id)
      WHERE r.at >= to_timestamp($1 / 1000.0) AND r.at < to_timestamp($2 / 1000.0)`,
    [fromMs, toMs],
  );
  const placed = rows.filter((r) => r.ms !== null).map((r) => Number(r.ms));
  const p = (q: number) => {
    const v = percentile(placed, q);
    return v === null ? null : round(v);
  };
  return {
    count: placed.length,
    p50Ms: p(50),
    p99Ms: p(99),
    maxMs: p(100),
    unplaced: rows.length - placed.length,
  };
}

interface ServiceView {
  name: string;
  state: string;
  applications?: { name: string; healthy: number; desired: number }[];
}

/**
 * Waits, at most `timeoutMs`, until every service the churn left running is available with every
 * application at its desired healthy instances, and every stopped one is stopped; answers those
 * that are not.
 */
export async function quiesce(
  api: SoakApi,
  services: readonly SoakService[],
  timeoutMs: number,
): Promise<{ seconds: number; unsettled: string[] }> {
  const started = Date.now();
  const wanted = new Map(services.map((s) => [s.name, s]));
  let unsettled: string[] = [];
  for (;;) {
    const views = await api.all<ServiceView>('/v1/services').catch(() => [] as ServiceView[]);
    unsettled = views
      .filter((v) => wanted.has(v.name))
      .filter((v) => {
        const service = wanted.get(v.name)!;
        if (service.stopped) return v.state !== 'stopped';
        const short = (v.applications ?? []).some((a) => a.healthy < a.desired);
        return v.state !== 'available' || short;
      })
      .map((v) => `${v.name} ${v.state}`);
    if (views.length > 0 && unsettled.length === 0) break;
    if (Date.now() - started > timeoutMs) break;
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
  return { seconds: round((Date.now() - started) / 1000), unsettled };
}
