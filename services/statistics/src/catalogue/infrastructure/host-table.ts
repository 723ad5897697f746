import { ratesOfRow, type RateColumns } from './rate-columns';
import type { Queryable } from '@federa/eventstore';
import type { HostRecord } from '../domain/host-record';

/** A row of statistics.hosts as pg returns it (bigints as text, times as Date). */
export interface HostRow extends RateColumns {
  id: string;
  site: string;
  state: string;
  lifecycle: string;
  liveness: string;
  cordoned: boolean;
  security_level: number;
  cpu_millis: string;
  memory_bytes: string;
  storage_bytes: string;
  bandwidth_bps: string;
  ups: boolean;
  raid: boolean;
  registered_at: Date;
  retired_at: Date | null;
  position: string;
}

export function hostRecordOf(row: HostRow): HostRecord {
  return {
    id: row.id,
    site: row.site,
    state: row.state as HostRecord['state'],
    lifecycle: row.lifecycle as HostRecord['lifecycle'],
    liveness: row.liveness as HostRecord['liveness'],
    cordoned: row.cordoned,
    securityLevel: row.security_level,
    capacity: {
      cpuMillis: Number(row.cpu_millis),
      memoryBytes: Number(row.memory_bytes),
      storageBytes: Number(row.storage_bytes),
      bandwidthBps: Number(row.bandwidth_bps),
    },
    rates: ratesOfRow(row),
    features: { ups: row.ups, raid: row.raid },
    registeredAt: row.registered_at.toISOString(),
    retiredAt: row.retired_at?.toISOString() ?? null,
    position: Number(row.position),
  };
}

/** The host's record, locked for the rest of the transaction; undefined when never registered. */
export async function loadHost(db: Queryable, id: string): Promise<HostRecord | undefined> {
  const { rows } = await db.query<HostRow>({
    name: 'statistics.loadHost',
    text: 'SELECT * FROM statistics.hosts WHERE id = $1 FOR UPDATE',
    values: [id],
  });
  return rows[0] && hostRecordOf(rows[0]);
}

export async function saveHost(db: Queryable, h: HostRecord): Promise<void> {
  await db.query({
    name: 'statistics.saveHost',
    text: `INSERT INTO statistics.hosts (id, site, state, cordoned, security_level, cpu_millis,
             memory_bytes, storage_bytes, bandwidth_bps, cpu_per_hour, memory_gib_per_hour,
             storage_gib_per_month, network_per_gib, standing_per_hour, ups, raid, registered_at,
             retired_at, position, lifecycle, liveness)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)
           ON CONFLICT (id) DO UPDATE SET site = $2, state = $3, cordoned = $4, security_level = $5,
             cpu_millis = $6, memory_bytes = $7, storage_bytes = $8, bandwidth_bps = $9,
             cpu_per_hour = $10, memory_gib_per_hour = $11, storage_gib_per_month = $12,
             network_per_gib = $13, standing_per_hour = $14, ups = $15, raid = $16,
             registered_at = $17, retired_at = $18, position = $19, lifecycle = $20,
             liveness = $21`,
    values: [
      h.id,
      h.site,
      h.state,
      h.cordoned,
      h.securityLevel,
      h.capacity.cpuMillis,
      h.capacity.memoryBytes,
      h.capacity.storageBytes,
      h.capacity.bandwidthBps,
      h.rates.cpuHour,
      h.rates.memoryGiBHour,
      h.rates.storageGiBMonth,
      h.rates.networkGiB,
      h.rates.standingPerHour,
      h.features.ups,
      h.features.raid,
      h.registeredAt,
      h.retiredAt,
      h.position,
      h.lifecycle,
      h.liveness,
    ],
  });
}
