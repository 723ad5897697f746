import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CommandClient } from '@federa/messaging';
import { RequiresRole } from '../auth/requires-role.decorator';

/** `/v1/placements`: why an instance is where it is, and dry runs of a spec; answered by placement over NATS. */
@ApiTags('placements')
@Controller('v1/placements')
export class PlacementsController {
  constructor(private readonly commands: CommandClient) {}

  @Get(':instanceId')
  @ApiOperation({
    summary: 'Why an instance is where it is: chosen host, scores, rejected hosts by reason',
  })
  @ApiOkResponse({
    description:
      '{ instance, service, app, outcome, host, scores, costPerHour, hostsConsidered, rejected[{filter, hosts, detail}], candidates[], message }',
  })
  get(@Param('instanceId') instanceId: string): Promise<unknown> {
    return this.commands.sendCommand('explainPlacement', { instance: instanceId });
  }

  @Post('plan')
  @HttpCode(200)
  @RequiresRole('viewer')
  @ApiOperation({
    summary: 'Dry run: where a service spec’s instances would go now; changes nothing',
  })
  @ApiOkResponse({
    description:
      '{ service, feasible, costPerHour, instances[{ app, instance, outcome, host, scores, rejected, message }] }',
  })
  plan(@Body() spec: unknown): Promise<unknown> {
    return this.commands.sendCommand('planPlacement', { spec });
  }
}
