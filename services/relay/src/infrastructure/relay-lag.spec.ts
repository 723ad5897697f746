import { register } from 'prom-client';
import type { Pool } from 'pg';
import { relayLagEvents, reportRelayLag } from './relay-lag';

function databaseAt(head: number | null, relayed: number | null): Pool {
  return {
    query: async () => ({
      rows: [
        {
          head: head === null ? null : String(head),
          at: relayed === null ? null : String(relayed),
        },
      ],
    }),
  } as unknown as Pool;
}

async function scrapedLag(): Promise<number[]> {
  const metric = await register.getSingleMetric('federa_relay_lag_events')!.get();
  return metric.values.map((v) => v.value);
}

describe('relay lag', () => {
  it('is the log head position minus the last relayed position', () => {
    expect(relayLagEvents(1000, 990)).toBe(10);
  });

  it('is zero once the relay caught up, even if the head was read before its last move', () => {
    expect(relayLagEvents(990, 1000)).toBe(0);
  });

  it('is read from the stored checkpoint at scrape time', async () => {
    const stop = reportRelayLag({ pool: databaseAt(500, 480), checkpointName: 'relay:FEDERA' });
    try {
      expect(await scrapedLag()).toEqual([20]);
    } finally {
      stop();
    }
  });

  it('counts the whole log as behind before the relay ever stored a checkpoint', async () => {
    const stop = reportRelayLag({ pool: databaseAt(37, null), checkpointName: 'relay:FEDERA' });
    try {
      expect(await scrapedLag()).toEqual([37]);
    } finally {
      stop();
    }
  });

  it('is unknown (not a number, never zero) when the database does not answer', async () => {
    const down = { query: () => Promise.reject(new Error('terminated')) } as unknown as Pool;
    const stop = reportRelayLag({ pool: down, checkpointName: 'relay:FEDERA' });
    try {
      expect(await scrapedLag()).toEqual([Number.NaN]);
    } finally {
      stop();
    }
  });
});
