import type { ReservedResources } from '@federa/contracts';
import type { Pool } from 'pg';
import type { CostInputs, GroupUsage } from '../domain/cost-breakdown';
import type { CostGroupingKind } from '../domain/cost-grouping';
import type { HostStay } from '../domain/standing-cost';
import type { ChargedUsage } from '../domain/usage-cost';
import { termChanges, type CostedHost, type HostRates } from '../domain/host-rates';
import { planWindowCut, type WindowPiece } from '../domain/window-plan';

const rollupTable = { hour: 'statistics.usage_hourly', day: 'statistics.usage_daily' } as const;
const grainInterval = { hour: '1 hour', day: '1 day' } as const;

const sums = `SUM(cpu_seconds * f) AS cpu, SUM(memory_gib_minutes * f) AS mem,
  SUM(storage_gib_hours * f) AS sto, SUM(network_in_bytes * f) AS net_in,
  SUM(network_out_bytes * f) AS net_out`;

/**
 * Usage of each host over a piece: hourly and daily rollups of scope `host` for whole hours and days,
 * minute rows at the edges.
 */
function hostUsageSql(piece: WindowPiece): string {
  if (piece.grain === 'minute') {
    return `SELECT host, NULL::text AS service, NULL::text AS app, ${sums}
      FROM (SELECT *, 1.0::float8 AS f FROM statistics.usage_minutes
            WHERE minute >= $1 AND minute < $2) m
      GROUP BY host`;
  }
  return `SELECT subject AS host, NULL::text AS service, NULL::text AS app, ${sums}
    FROM (SELECT *, 1.0::float8 AS f FROM ${rollupTable[piece.grain]}
          WHERE scope = 'host' AND start >= $1 AND start < $2) r
    GROUP BY subject`;
}

/**
 * Usage of each application on each host over a piece. Minute rows and instance rollups name their
 * host. Rollups from before they did (host '') are put on the host(s) the instance stood on in that
 * hour or day, split by time when it moved within it.
 */
function ownerUsageSql(piece: WindowPiece, onlyServices: boolean): string {
  // Only the instances of the services named ($3), found by the instance key of each table.
  const only = (column: string) =>
    onlyServices
      ? `AND ${column} IN (SELECT id FROM statistics.instances WHERE service = ANY($3::text[]))`
      : '';
  const owner = (instance: string) =>
    `JOIN LATERAL (SELECT service, app FROM statistics.instances i WHERE i.id = ${instance}
                   ORDER BY placed_at DESC LIMIT 1) o ON true`;
  const amounts =
    'cpu_seconds, memory_gib_minutes, storage_gib_hours, network_in_bytes, network_out_bytes';
  if (piece.grain === 'minute') {
    return `SELECT m.host, o.service, o.app, ${sums}
      FROM (SELECT instance, host, SUM(cpu_seconds) AS cpu_seconds,
                   SUM(memory_gib_minutes) AS memory_gib_minutes, SUM(storage_gib_hours) AS storage_gib_hours,
                   SUM(network_in_bytes) AS network_in_bytes, SUM(network_out_bytes) AS network_out_bytes,
                   1.0::float8 AS f
            FROM statistics.usage_minutes WHERE minute >= $1 AND minute < $2 ${only('instance')}
            GROUP BY instance, host) m
      ${owner('m.instance')}
      GROUP BY m.host, o.service, o.app`;
  }
  const len = `interval '${grainInterval[piece.grain]}'`;
  return `SELECT host, service, app, ${sums}
    FROM (
      SELECT r.host, o.service, o.app, ${amounts}, 1.0::float8 AS f
      FROM ${rollupTable[piece.grain]} r
      ${owner('r.subject')}
      WHERE r.scope = 'instance' AND r.host <> '' AND r.start >= $1 AND r.start < $2
        ${only('r.subject')}
      UNION ALL
      SELECT i.host, i.service, i.app, ${amounts.replace(/(\w+)/g, 'r.$1')},
             o.overlap / NULLIF(SUM(o.overlap) OVER (PARTITION BY r.subject, r.start), 0) AS f
      FROM ${rollupTable[piece.grain]} r
      JOIN statistics.instances i
        ON i.id = r.subject AND i.placed_at < r.start + ${len}
       AND COALESCE(i.ended_at, 'infinity') > r.start
      CROSS JOIN LATERAL (SELECT EXTRACT(EPOCH FROM
          LEAST(COALESCE(i.ended_at, 'infinity'), r.start + ${len}) - GREATEST(i.placed_at, r.start))
          AS overlap) o
      WHERE r.scope = 'instance' AND r.host = '' AND r.start >= $1 AND r.start < $2
        ${only('r.subject')}
    ) s
    GROUP BY host, service, app`;
}

interface UsageRow {
  /** When the piece read began (epoch ms): its usage is priced at the rates holding then. */
  at: number;
  host: string;
  service: string | null;
  app: string | null;
  cpu: number | null;
  mem: number | null;
  sto: number | null;
  net_in: string | number | null;
  net_out: string | number | null;
}

/** Reads what a cost report is computed from: the hosts, the stays on them, and usage over a window. */
export class CostReader {
  constructor(private readonly pool: Pool) {}

  /**
   * `services`: read usage of these services' instances only (grouping by service or application),
   * so that one service's cost, or the budgeted ones', does not read every instance's minutes.
   */
  async inputs(
    groupBy: CostGroupingKind,
    from: number,
    to: number,
    services?: readonly string[],
  ): Promise<CostInputs> {
    const byHost = groupBy === 'host' || groupBy === 'site';
    const [hosts, stays] = await Promise.all([this.hosts(from, to), this.stays(from, to)]);
    // No piece read straddles a change of a host's rates or site.
    const cuts = termChanges(hosts.values(), from, to);
    const usage = await this.usage(byHost, from, to, cuts, byHost ? undefined : services);
    const key = (row: UsageRow): string =>
      groupBy === 'application' ? `${row.service}/${row.app}` : (row.service ?? row.host);
    return {
      groupBy,
      from,
      to,
      hosts,
      stays,
      usage: usage.map((row): GroupUsage => ({
        key: key(row),
        host: row.host,
        usage: amounts(row),
        at: row.at,
      })),
    };
  }

  private async usage(
    byHost: boolean,
    from: number,
    to: number,
    cuts: readonly number[],
    services: readonly string[] | undefined,
  ): Promise<UsageRow[]> {
    const pieces = planWindowCut(from, to, cuts);
    const results = await Promise.all(
      pieces.map((piece) =>
        this.pool.query<UsageRow>(
          byHost ? hostUsageSql(piece) : ownerUsageSql(piece, services !== undefined),
          [new Date(piece.from), new Date(piece.to), ...(services && !byHost ? [services] : [])],
        ),
      ),
    );
    return results.flatMap((r, i) => r.rows.map((row) => ({ ...row, at: pieces[i].from })));
  }

  private async hosts(from: number, to: number): Promise<Map<string, CostedHost>> {
    const { rows } = await this.pool.query<
      PricedRow & {
        id: string;
        registered_at: Date;
        retired_at: Date | null;
        terms: (PricedRow & { valid_from: string })[] | null;
      }
    >(
      `SELECT h.id, h.site, h.cpu_per_hour, h.memory_gib_per_hour, h.storage_gib_per_month,
              h.network_per_gib, h.standing_per_hour, h.ups, h.raid, h.registered_at, h.retired_at,
              (SELECT json_agg(json_build_object('valid_from', t.valid_from, 'site', t.site,
                        'cpu_per_hour', t.cpu_per_hour, 'memory_gib_per_hour', t.memory_gib_per_hour,
                        'storage_gib_per_month', t.storage_gib_per_month,
                        'network_per_gib', t.network_per_gib, 'standing_per_hour', t.standing_per_hour,
                        'ups', t.ups, 'raid', t.raid) ORDER BY t.valid_from)
                 FROM statistics.host_terms t
                WHERE t.host = h.id AND t.valid_from < $2
                  AND (t.valid_to IS NULL OR t.valid_to > $1)) AS terms
       FROM statistics.hosts h
       WHERE h.registered_at < $2 AND (h.retired_at IS NULL OR h.retired_at > $1)`,
      [new Date(from), new Date(to)],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          ...priced(r),
          since: r.registered_at.getTime(),
          retiredAt: r.retired_at?.getTime(),
          // A host the catalogue kept before terms existed has none: its row held all along.
          terms: (r.terms ?? []).map((t) => ({ from: Date.parse(t.valid_from), ...priced(t) })),
        },
      ]),
    );
  }

  private async stays(
    from: number,
    to: number,
  ): Promise<(HostStay & { host: string; service: string; application: string })[]> {
    const { rows } = await this.pool.query<{
      id: string;
      service: string;
      app: string;
      host: string;
      cpu_millis: string;
      memory_bytes: string;
      storage_bytes: string;
      bandwidth_bps: string;
      placed_at: Date;
      ended_at: Date | null;
    }>(
      `SELECT id, service, app, host, cpu_millis, memory_bytes, storage_bytes, bandwidth_bps,
              placed_at, ended_at
       FROM statistics.instances
       WHERE placed_at < $2 AND (ended_at IS NULL OR ended_at > $1)`,
      [new Date(from), new Date(to)],
    );
    return rows.map((r) => ({
      instance: r.id,
      service: r.service,
      application: r.app,
      host: r.host,
      resources: reserved(r),
      from: r.placed_at.getTime(),
      to: r.ended_at?.getTime(),
    }));
  }
}

interface PricedRow {
  site: string;
  cpu_per_hour: number;
  memory_gib_per_hour: number;
  storage_gib_per_month: number;
  network_per_gib: number;
  standing_per_hour: number;
  ups: boolean;
  raid: boolean;
}

function priced(r: PricedRow): { site: string; rates: HostRates; ups: boolean; raid: boolean } {
  return {
    site: r.site,
    rates: {
      cpuHour: r.cpu_per_hour,
      memoryGiBHour: r.memory_gib_per_hour,
      storageGiBMonth: r.storage_gib_per_month,
      networkGiB: r.network_per_gib,
      standingPerHour: r.standing_per_hour,
    },
    ups: r.ups,
    raid: r.raid,
  };
}

function reserved(r: {
  cpu_millis: string;
  memory_bytes: string;
  storage_bytes: string;
  bandwidth_bps: string;
}): ReservedResources {
  return {
    cpu: Number(r.cpu_millis),
    memory: Number(r.memory_bytes),
    storage: Number(r.storage_bytes),
    bandwidth: Number(r.bandwidth_bps),
  };
}

function amounts(r: UsageRow): ChargedUsage {
  return {
    cpuSeconds: Number(r.cpu ?? 0),
    memoryGibMinutes: Number(r.mem ?? 0),
    storageGibHours: Number(r.sto ?? 0),
    networkInBytes: Number(r.net_in ?? 0),
    networkOutBytes: Number(r.net_out ?? 0),
  };
}
