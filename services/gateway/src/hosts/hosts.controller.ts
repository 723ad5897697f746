import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Commands, ValidationFailed, validateCommand, type CommandName } from '@federa/contracts';
import { CommandClient } from '@federa/messaging';

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
  list(
    @Query('site') site?: string,
    @Query('state') state?: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ): Promise<unknown> {
    const query = { site, state, limit: limit === undefined ? undefined : Number(limit), after };
    return this.send('listHosts', withoutUndefined(query));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One host' })
  get(@Param('id') id: string): Promise<unknown> {
    return this.send('getHost', { host: id });
  }

  @Post(':id/cordon')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop new placements on the host' })
  cordon(@Param('id') id: string, @Body() body?: { reason?: unknown }): Promise<unknown> {
    return this.send('cordonHost', withoutUndefined({ host: id, reason: body?.reason }));
  }

  @Post(':id/uncordon')
  @HttpCode(200)
  @ApiOperation({ summary: 'Allow new placements on the host again' })
  uncordon(@Param('id') id: string): Promise<unknown> {
    return this.send('uncordonHost', { host: id });
  }

  @Post(':id/drain')
  @HttpCode(200)
  @ApiOperation({ summary: 'Evacuate the host (migration moves its instances away)' })
  drain(@Param('id') id: string, @Body() body?: { reason?: unknown }): Promise<unknown> {
    return this.send('drainHost', withoutUndefined({ host: id, reason: body?.reason }));
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Retire the host; refused (409) while instances remain unless ?force=true',
  })
  retire(@Param('id') id: string, @Query('force') force?: string): Promise<unknown> {
    if (force !== undefined && force !== 'true' && force !== 'false') {
      throw new ValidationFailed([{ path: 'force', reason: 'must be true or false' }], 'request');
    }
    return this.send('retireHost', { host: id, force: force === 'true' });
  }

  private send(name: CommandName, payload: Record<string, unknown>): Promise<unknown> {
    const checked = validateCommand(name, payload);
    if (!checked.ok) throw new ValidationFailed(checked.errors, 'request');
    return this.commands.send(Commands[name].service, Commands[name].subject, payload);
  }
}

function withoutUndefined(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
}
