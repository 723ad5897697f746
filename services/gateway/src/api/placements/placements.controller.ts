import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { PlacementExplanation, PlacementPlan, ServiceSpec } from '@federa/contracts';
import { CommandClient } from '@federa/messaging';
import { RequiresRole } from '../auth/requires-role.decorator';
import { ApiContractBody, ApiContractResponse } from '../openapi/api-contract.decorators';

/** `/v1/placements`: why an instance is where it is, and dry runs of a spec; answered by placement over NATS. */
@ApiTags('placements')
@Controller('v1/placements')
export class PlacementsController {
  constructor(private readonly commands: CommandClient) {}

  @Get(':instanceId')
  @ApiOperation({
    summary: 'Why an instance is where it is: chosen host, scores, rejected hosts by reason',
  })
  @ApiContractResponse(
    200,
    PlacementExplanation,
    'The latest placement decision about the instance',
  )
  get(@Param('instanceId') instanceId: string): Promise<PlacementExplanation> {
    return this.commands.sendCommand('explainPlacement', { instance: instanceId });
  }

  @Post('plan')
  @HttpCode(200)
  @RequiresRole('viewer')
  @ApiOperation({
    summary: 'Dry run: where a service spec’s instances would go now; changes nothing',
  })
  @ApiContractBody(ServiceSpec, { description: 'The service spec to plan' })
  @ApiContractResponse(200, PlacementPlan, 'Where each instance would go, or why it could not')
  plan(@Body() spec: unknown): Promise<PlacementPlan> {
    return this.commands.sendCommand('planPlacement', { spec });
  }
}
