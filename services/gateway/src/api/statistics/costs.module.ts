import { Module } from '@nestjs/common';
import { CostsController } from './costs.controller';

/** `/v1/costs`, served by asking the statistics service. */
@Module({ controllers: [CostsController] })
export class CostsModule {}
