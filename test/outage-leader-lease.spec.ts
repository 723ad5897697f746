import { PostgresLeaderLease } from '@federa/eventstore';
import { eventually, itWhen } from '@federa/testing';
import { ThrowawayPostgres, throwawayPostgresUnavailable } from './gateway-throwaway-postgres';

jest.setTimeout(120_000);

const unavailable = throwawayPostgresUnavailable();

describe('a leader lease through a Postgres outage', () => {
  let postgres: ThrowawayPostgres;
  const leases: PostgresLeaderLease[] = [];

  beforeAll(async () => {
    if (!unavailable) postgres = await ThrowawayPostgres.start();
  });

  afterAll(async () => {
    for (const lease of leases) await lease.release();
    postgres?.dispose();
  });

  itWhen(unavailable)(
    'is dropped when its renewal fails while Postgres is away, and taken again once it is back',
    async () => {
      const lease = new PostgresLeaderLease(postgres.url(), 'outage-lease');
      leases.push(lease);
      expect(await lease.holds()).toBe(true);

      postgres.stop();
      expect(await lease.holds()).toBe(false);
      expect(lease.isHeld).toBe(false);
      // Asking again while Postgres is still away answers false, without throwing.
      expect(await lease.holds()).toBe(false);

      postgres.restart();
      await eventually(() => lease.holds(), 30_000, 200);
      expect(lease.isHeld).toBe(true);
    },
  );

  itWhen(unavailable)('goes to one of two contenders after the outage, never both', async () => {
    const first = new PostgresLeaderLease(postgres.url(), 'outage-contended');
    const second = new PostgresLeaderLease(postgres.url(), 'outage-contended');
    leases.push(first, second);
    expect(await first.holds()).toBe(true);
    expect(await second.holds()).toBe(false);

    postgres.stop();
    expect(await first.holds()).toBe(false);
    postgres.restart();

    await eventually(async () => (await first.holds()) || (await second.holds()), 30_000, 200);
    const holders = [await first.holds(), await second.holds()].filter(Boolean);
    expect(holders).toHaveLength(1);
  });
});
