import { Logger, type FactoryProvider, type ValueProvider } from '@nestjs/common';
import type { EventStore } from '@federa/eventstore';
import type { Pool } from 'pg';
import type { JobsLeadership } from '../infrastructure/jobs-leadership';
import { EVENT_STORE, JOBS_LEADERSHIP, PG_POOL } from '../infrastructure/statistics-tokens';
import type { ForecastConfig } from './forecast-config';
import { ForecastJob } from './infrastructure/forecast-job';

/** The forecast settings, for the query handler (it answers with the warning's days). */
export const FORECAST_CONFIG = Symbol('statistics.forecast-config');

/**
 * Forecast's part of the statistics module: its settings and the job (started on bootstrap, run by
 * the replica that leads the jobs: JOBS_LEADERSHIP, provided by the module).
 */
export function forecastProviders(config: ForecastConfig): (FactoryProvider | ValueProvider)[] {
  const logger = new Logger('forecast');
  return [
    { provide: FORECAST_CONFIG, useValue: config },
    {
      provide: ForecastJob,
      inject: [PG_POOL, EVENT_STORE, JOBS_LEADERSHIP],
      useFactory: (pool: Pool, store: EventStore, leadership: JobsLeadership) =>
        new ForecastJob(
          pool,
          store,
          config,
          {
            warn: (message) => logger.warn(message),
            error: (message) => logger.error(message),
          },
          () => new Date(),
          () => leadership.leads(),
        ),
    },
  ];
}
