import { Logger, type FactoryProvider, type ValueProvider } from '@nestjs/common';
import type { EventStore } from '@federa/eventstore';
import type { Pool } from 'pg';
import { EVENT_STORE, PG_POOL } from '../infrastructure/statistics-tokens';
import type { ForecastConfig } from './forecast-config';
import { ForecastJob } from './infrastructure/forecast-job';

/** The forecast settings, for the query handler (it answers with the warning's days). */
export const FORECAST_CONFIG = Symbol('statistics.forecast-config');

/** Forecast's part of the statistics module: its settings and the job (started on bootstrap). */
export function forecastProviders(config: ForecastConfig): (FactoryProvider | ValueProvider)[] {
  const logger = new Logger('forecast');
  return [
    { provide: FORECAST_CONFIG, useValue: config },
    {
      provide: ForecastJob,
      inject: [PG_POOL, EVENT_STORE],
      useFactory: (pool: Pool, store: EventStore) =>
        new ForecastJob(pool, store, config, {
          warn: (message) => logger.warn(message),
          error: (message) => logger.error(message),
        }),
    },
  ];
}
