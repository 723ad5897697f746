import { Module } from '@nestjs/common';
import { PlacementsController } from './placements.controller';

/** `/v1/placements`, served by asking the placement service (CommandClient from the gateway core). */
@Module({ controllers: [PlacementsController] })
export class PlacementsModule {}
