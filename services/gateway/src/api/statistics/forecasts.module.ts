import { Module } from '@nestjs/common';
import { ForecastsController } from './forecasts.controller';

/** `/v1/forecasts`, served by asking the statistics service. */
@Module({ controllers: [ForecastsController] })
export class ForecastsModule {}
