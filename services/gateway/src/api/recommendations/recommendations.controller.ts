import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  ErrorCodes,
  FederaError,
  MigrationSummary,
  RECOMMENDATION_ID_PATTERN,
  RECOMMENDATION_ID_RULE,
  RecommendationList,
  ValidationFailed,
  validateCommand,
} from '@federa/contracts';
import { CommandClient } from '@federa/messaging';
import { CurrentPrincipal, originOf, type Principal } from '../auth/principal';
import { RequiresRole } from '../auth/requires-role.decorator';
import { ApiContractResponse } from '../openapi/api-contract.decorators';

/** Cheaper placements that keep every rule (placement's dry run), and starting the move one describes. */
@ApiTags('recommendations')
@Controller('v1')
export class RecommendationsController {
  constructor(private readonly commands: CommandClient) {}

  @Get('recommendations')
  @ApiOperation({
    summary:
      'Cheaper placements that keep every rule: each running instance on the cheapest host placement would let it move to, biggest saving first',
  })
  @ApiQuery({ name: 'service', required: false, description: 'Only the instances of this service' })
  @ApiContractResponse(200, RecommendationList, 'The recommended moves; nothing is changed')
  list(@Query() query: Record<string, unknown>): Promise<RecommendationList> {
    const checked = validateCommand('listRecommendations', query);
    if (!checked.ok) throw new ValidationFailed(checked.errors, 'request');
    return this.commands.sendCommand<RecommendationList>('listRecommendations', checked.value);
  }

  @Post('recommendations/:id/apply')
  @HttpCode(202)
  @RequiresRole('operator')
  @ApiOperation({
    summary:
      'Start the migration a recommendation describes; refused (409) when the cluster has changed since it was listed',
  })
  @ApiContractResponse(202, MigrationSummary, 'The migration, recorded; it runs in the background')
  async apply(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal | undefined,
  ): Promise<MigrationSummary> {
    if (!RECOMMENDATION_ID_PATTERN.test(id)) {
      throw new ValidationFailed([{ path: 'id', reason: RECOMMENDATION_ID_RULE }], 'request');
    }
    // The list is computed again now: an id is only in it while what it was computed from holds.
    const current = await this.commands.sendCommand<RecommendationList>('listRecommendations', {});
    const recommendation = current.items.find((item) => item.id === id);
    if (!recommendation) {
      throw new FederaError(
        ErrorCodes.conflict,
        `recommendation ${id}: stale or unknown recommendation, list again`,
        [{ path: 'id', reason: 'not among the current recommendations' }],
      );
    }
    return this.commands.sendCommand<MigrationSummary>(
      'migrateInstance',
      { instance: recommendation.instance, to: recommendation.to },
      originOf(principal),
    );
  }
}
