import { Module } from '@nestjs/common';
import { RecommendationsController } from './recommendations.controller';

/** `/v1/recommendations`, served by asking placement; applying one asks migration. */
@Module({ controllers: [RecommendationsController] })
export class RecommendationsModule {}
