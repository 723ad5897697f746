import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ErrorCodes,
  FederaError,
  type DrainPlan,
  type ExplainPlacementQuery,
  type ListRecommendationsQuery,
  type MigrationTargetAnswer,
  type MigrationTargetQuery,
  type PlacementPlan,
  type PlanDrainQuery,
  type PlanPlacementQuery,
  type RecommendationList,
} from '@federa/contracts';
import { CommandContractPipe } from '@federa/messaging';
import type { PlacementRecord } from '../domain/placement-record';
import { PlacementEngine } from '../engine/placement-engine';
import { migrationTarget } from './migration-target';
import { planPlacement } from './placement-plan';

/** The smallest saving per hour a recommendation must bring (FEDERA_RECOMMEND_MIN_SAVING_PER_HOUR). */
export const MIN_SAVING_PER_HOUR = Symbol('recommendation minimum saving');

/** Placement's commands over NATS request/reply (the gateway's `/v1/placements`). */
@Controller()
export class PlacementController {
  constructor(
    private readonly engine: PlacementEngine,
    @Inject(MIN_SAVING_PER_HOUR) private readonly minSavingPerHour: number,
  ) {}

  @MessagePattern('cmd.placement.get-placement')
  getPlacement(
    @Payload(new CommandContractPipe('explainPlacement')) command: ExplainPlacementQuery,
  ): PlacementRecord {
    const record = this.engine.record(command.instance);
    if (!record)
      throw new FederaError(
        ErrorCodes.notFound,
        `no placement decision for instance ${command.instance}`,
      );
    return record;
  }

  @MessagePattern('cmd.placement.plan')
  plan(
    @Payload(new CommandContractPipe('planPlacement')) command: PlanPlacementQuery,
  ): Promise<PlacementPlan> {
    return planPlacement(this.engine, command.spec);
  }

  @MessagePattern('cmd.placement.migration-target')
  migrationTarget(
    @Payload(new CommandContractPipe('chooseMigrationTarget')) query: MigrationTargetQuery,
  ): MigrationTargetAnswer {
    return migrationTarget(this.engine, query);
  }

  @MessagePattern('cmd.placement.drain-plan')
  drainPlan(
    @Payload(new CommandContractPipe('planDrain')) query: PlanDrainQuery,
  ): Promise<DrainPlan> {
    return this.engine.planDrain(query);
  }

  @MessagePattern('cmd.placement.recommendations')
  recommendations(
    @Payload(new CommandContractPipe('listRecommendations')) query: ListRecommendationsQuery,
  ): Promise<RecommendationList> {
    return this.engine.recommend({
      minSavingPerHour: this.minSavingPerHour,
      ...(query.service ? { service: query.service } : {}),
    });
  }
}
