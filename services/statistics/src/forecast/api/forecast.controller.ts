import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { ForecastReport, GetForecastsQuery } from '@federa/contracts';
import { CommandContractPipe } from '@federa/messaging';
import type { Pool } from 'pg';
import { PG_POOL } from '../../infrastructure/statistics-tokens';
import type { ForecastConfig } from '../forecast-config';
import { FORECAST_CONFIG } from '../forecast.providers';
import { listForecasts } from '../infrastructure/forecast-store';

/** `cmd.statistics.forecasts` for the gateway: the latest forecasts the forecast job stored. */
@Controller()
export class ForecastController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(FORECAST_CONFIG) private readonly config: ForecastConfig,
  ) {}

  @MessagePattern('cmd.statistics.forecasts')
  async forecasts(
    @Payload(new CommandContractPipe('getForecasts')) query: GetForecastsQuery,
  ): Promise<ForecastReport> {
    return {
      items: await listForecasts(this.pool, query),
      warnDays: this.config.warnDays,
    };
  }
}
