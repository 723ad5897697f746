import { InMemoryEventStore } from '@federa/eventstore/in-memory';
import type { Pool } from 'pg';
import { ForecastJob } from './forecast-job';

/** Polls `check` until it holds (generous deadline: no timing is asserted). */
async function until(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > 30_000) throw new Error('condition still false');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the forecast job', () => {
  const log = { warn: () => undefined, error: () => undefined };
  // Never queried by a replica that does not lead: any use would throw.
  const noPool = {} as Pool;

  function job(leads: () => Promise<boolean>) {
    const forecastJob = new ForecastJob(
      noPool,
      new InMemoryEventStore(),
      { warnDays: 7, intervalMs: 1 },
      log,
      () => new Date(),
      leads,
    );
    const runs = jest.spyOn(forecastJob, 'runOnce').mockResolvedValue([]);
    return { forecastJob, runs };
  }

  it('skips its rounds on a replica that does not lead the jobs', async () => {
    let asked = 0;
    const { forecastJob, runs } = job(async () => {
      asked++;
      return false;
    });
    forecastJob.start();
    await until(() => asked >= 3);
    await forecastJob.stop();
    expect(runs).not.toHaveBeenCalled();
  });

  it('runs its rounds once this replica leads', async () => {
    let leading = false;
    const { forecastJob, runs } = job(async () => leading);
    forecastJob.start();
    leading = true;
    await until(() => runs.mock.calls.length >= 2);
    await forecastJob.stop();
  });
});
