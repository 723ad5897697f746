import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorCodes, FederaError } from '@federa/contracts';
import { CommandClient } from '@federa/messaging';
import { RequiresRole } from '../auth/requires-role.decorator';

const instanceIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

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
    if (!instanceIdPattern.test(instanceId)) {
      throw new FederaError(ErrorCodes.validation, 'invalid instance id', [
        { path: 'instanceId', reason: 'must be an id of letters, digits, ".", "_", ":" or "-"' },
      ]);
    }
    return this.commands.send('placement', 'get-placement', { instance: instanceId });
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
  plan(@Body() spec: Record<string, unknown>): Promise<unknown> {
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      throw new FederaError(ErrorCodes.validation, 'invalid request body', [
        { path: '', reason: 'must be a service spec object' },
      ]);
    }
    return this.commands.send('placement', 'plan', { spec });
  }
}
