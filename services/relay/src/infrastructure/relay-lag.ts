import { scrapeQuery } from '@federa/eventstore';
import { Gauge } from 'prom-client';
import type { Pool } from 'pg';

/** A relay of this process: the database its log is in and the checkpoint it moves past what it published. */
export interface ReportedRelay {
  readonly pool: Pool;
  readonly checkpointName: string;
}

/** Events committed to the log and not yet published: none when the relay is at the head. */
export function relayLagEvents(headPosition: number, relayedUpTo: number): number {
  return Math.max(0, headPosition - relayedUpTo);
}

const relays = new Set<ReportedRelay>();

/**
 * From the stored checkpoint, not the active relay's memory: a standby reports the same lag as the
 * active one, and a lag that grows while no relay is active shows.
 */
async function lagOf(relay: ReportedRelay): Promise<number | undefined> {
  const result = await scrapeQuery<{ head: string | null; at: string | null }>(relay.pool, {
    text: `SELECT (SELECT max(position) FROM eventlog.events) AS head,
                  (SELECT position FROM eventlog.checkpoints WHERE name = $1) AS at`,
    values: [relay.checkpointName],
  });
  const row = result?.rows[0];
  if (row === undefined) return undefined;
  // No checkpoint yet: nothing was ever relayed, so the whole log is behind.
  return relayLagEvents(Number(row.head ?? 0), Number(row.at ?? 0));
}

export const relayLag = new Gauge({
  name: 'federa_relay_lag_events',
  help: "Events in the log past the relay's checkpoint (log head position minus last relayed position), at scrape time",
  async collect() {
    for (const relay of relays) {
      // A database that does not answer (in time) makes the value unknown, rather than failing the whole scrape.
      const lag = await lagOf(relay);
      if (lag !== undefined) {
        this.set(lag);
        return;
      }
    }
    // Unknown, not zero: a lag of 0 would say all is published.
    this.set(Number.NaN);
  },
});

/** Reports the relay's lag from now on; the function returned stops that. */
export function reportRelayLag(relay: ReportedRelay): () => void {
  relays.add(relay);
  return () => relays.delete(relay);
}
