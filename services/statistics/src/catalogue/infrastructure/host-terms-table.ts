import { ratesOfRow, type RateColumns } from './rate-columns';
import type { Queryable } from '@federa/eventstore';
import type { HostRecord } from '../domain/host-record';
import { hostTermChange, type HostTerm } from '../domain/host-terms';

interface HostTermRow extends RateColumns {
  site: string;
  ups: boolean;
  raid: boolean;
  valid_from: Date;
  valid_to: Date | null;
}

function hostTermOf(row: HostTermRow): HostTerm {
  return {
    site: row.site,
    rates: ratesOfRow(row),
    features: { ups: row.ups, raid: row.raid },
    validFrom: row.valid_from.toISOString(),
    validTo: row.valid_to?.toISOString() ?? null,
  };
}

/** Keeps the host's terms (statistics.host_terms) in step with its record, changed at `at`. */
export async function recordHostTerm(db: Queryable, host: HostRecord, at: string): Promise<void> {
  const { rows } = await db.query<HostTermRow>({
    name: 'statistics.loadOpenHostTerm',
    text: 'SELECT * FROM statistics.host_terms WHERE host = $1 AND valid_to IS NULL FOR UPDATE',
    values: [host.id],
  });
  const change = hostTermChange(rows[0] && hostTermOf(rows[0]), host, at);
  if (change.close !== undefined) {
    await db.query({
      name: 'statistics.closeHostTerm',
      text: 'UPDATE statistics.host_terms SET valid_to = $3 WHERE host = $1 AND valid_from = $2',
      values: [host.id, change.close, change.open?.validFrom],
    });
  }
  const t = change.open;
  if (!t) return;
  await db.query({
    name: 'statistics.openHostTerm',
    text: `INSERT INTO statistics.host_terms (host, valid_from, valid_to, site, cpu_per_hour,
             memory_gib_per_hour, storage_gib_per_month, network_per_gib, standing_per_hour, ups, raid)
           VALUES ($1,$2,NULL,$3,$4,$5,$6,$7,$8,$9,$10)
           ON CONFLICT (host, valid_from) DO UPDATE SET valid_to = NULL, site = $3,
             cpu_per_hour = $4, memory_gib_per_hour = $5, storage_gib_per_month = $6,
             network_per_gib = $7, standing_per_hour = $8, ups = $9, raid = $10`,
    values: [
      host.id,
      t.validFrom,
      t.site,
      t.rates.cpuHour,
      t.rates.memoryGiBHour,
      t.rates.storageGiBMonth,
      t.rates.networkGiB,
      t.rates.standingPerHour,
      t.features.ups,
      t.features.raid,
    ],
  });
}
