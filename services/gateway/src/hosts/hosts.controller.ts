import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ValidationFailed } from '@federa/contracts';
import { CommandClient } from '@federa/messaging';
import { bodyFields, listQueryFields } from '../validation/request-fields';

/**
 * Hosts as inventory knows them (`id, site, state, layers, capacity, allocated, securityLevel,
 * costs, lastHeartbeatAt, epoch`, plus `cordoned`), and the operator's actions on them. Everything
 * is asked of inventory over NATS: the gateway never reads inventory's tables.
 */
@ApiTags('hosts')
@Controller('v1/hosts')
export class HostsController {
  constructor(private readonly commands: CommandClient) {}

  @Get()
  @ApiOperation({ summary: 'List hosts, filtered by site or state, a page at a time' })
  @ApiQuery({ name: 'site', required: false })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'after', required: false })
  list(@Query() query: Record<string, unknown>): Promise<unknown> {
    return this.commands.sendCommand('listHosts', listQueryFields(query));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One host' })
  get(@Param('id') id: string): Promise<unknown> {
    return this.commands.sendCommand('getHost', { host: id });
  }

  @Post(':id/cordon')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop new placements on the host' })
  cordon(@Param('id') id: string, @Body() body?: unknown): Promise<unknown> {
    return this.commands.sendCommand('cordonHost', { ...bodyFields(body, ['reason']), host: id });
  }

  @Post(':id/uncordon')
  @HttpCode(200)
  @ApiOperation({ summary: 'Allow new placements on the host again' })
  uncordon(@Param('id') id: string): Promise<unknown> {
    return this.commands.sendCommand('uncordonHost', { host: id });
  }

  @Post(':id/drain')
  @HttpCode(200)
  @ApiOperation({ summary: 'Evacuate the host (migration moves its instances away)' })
  drain(@Param('id') id: string, @Body() body?: unknown): Promise<unknown> {
    return this.commands.sendCommand('drainHost', { ...bodyFields(body, ['reason']), host: id });
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Retire the host; refused (409) while instances remain unless ?force=true',
  })
  retire(@Param('id') id: string, @Query('force') force?: string): Promise<unknown> {
    if (force !== undefined && force !== 'true' && force !== 'false') {
      throw new ValidationFailed([{ path: 'force', reason: 'must be true or false' }], 'request');
    }
    return this.commands.sendCommand('retireHost', { host: id, force: force === 'true' });
  }
}
