import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InstancePage, InstanceSummary } from '@federa/contracts';
import { CommandClient } from '@federa/messaging';
import { ApiContractResponse } from '../openapi/api-contract.decorators';
import { sendJsonText } from '../json-passthrough';
import { checkedListQuery } from '../validation/request-fields';

/** Instances as supervision knows them: `id, service, app, host, layer, state, since`, and `endpoint` once running. */
@ApiTags('instances')
@Controller('v1/instances')
export class InstancesController {
  constructor(private readonly commands: CommandClient) {}

  @Get()
  @ApiOperation({ summary: 'List instances, filtered by service, app, host or state' })
  @ApiQuery({ name: 'service', required: false })
  @ApiQuery({ name: 'app', required: false })
  @ApiQuery({ name: 'host', required: false })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'after', required: false })
  @ApiContractResponse(
    200,
    InstancePage,
    'A page of instances (live ones unless a state is asked for)',
  )
  async list(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    sendJsonText(
      response,
      await this.commands.sendCommandForJson(
        'listInstances',
        checkedListQuery('listInstances', query),
        {
          validated: true,
        },
      ),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'One instance' })
  @ApiContractResponse(200, InstanceSummary, 'The instance')
  get(@Param('id') id: string): Promise<InstanceSummary> {
    return this.commands.sendCommand('getInstance', { instance: id });
  }
}
