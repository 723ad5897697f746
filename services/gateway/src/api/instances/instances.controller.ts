import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InstancePage, InstanceSummary, type ListInstancesQuery } from '@federa/contracts';
import { CommandClient } from '@federa/messaging';
import { InstanceListMemory } from '../../infrastructure/instance-list-memory';
import { ApiContractResponse } from '../openapi/api-contract.decorators';
import { sendJsonText } from '../json-passthrough';
import { checkedListQuery } from '../validation/request-fields';

/** Instances as supervision knows them: `id, service, app, host, layer, state, since`, and `endpoint` once running. */
@ApiTags('instances')
@Controller('v1/instances')
export class InstancesController {
  constructor(
    private readonly commands: CommandClient,
    private readonly memory: InstanceListMemory,
  ) {}

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
    const fields = checkedListQuery('listInstances', query);
    // Memory at the log's head answers as supervision would; when it cannot show that in time,
    // supervision does.
    const page = await this.memory.pageWhenCurrent(fields as ListInstancesQuery);
    if (page !== undefined) return sendJsonText(response, Buffer.from(page));
    sendJsonText(
      response,
      await this.commands.sendCommandForJson('listInstances', fields, { validated: true }),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'One instance' })
  @ApiContractResponse(200, InstanceSummary, 'The instance')
  get(@Param('id') id: string): Promise<InstanceSummary> {
    return this.commands.sendCommand('getInstance', { instance: id });
  }
}
