import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Commands, ValidationFailed, validateCommand, type CommandName } from '@federa/contracts';
import { CommandClient } from '@federa/messaging';

/** Instances as supervision knows them: `id, service, app, host, layer, state, since`. */
@ApiTags('instances')
@Controller('v1/instances')
export class InstancesController {
  constructor(private readonly commands: CommandClient) {}

  @Get()
  @ApiOperation({ summary: 'List instances, filtered by service, app, host or state' })
  list(
    @Query('service') service?: string,
    @Query('app') app?: string,
    @Query('host') host?: string,
    @Query('state') state?: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ): Promise<unknown> {
    const query = {
      service,
      app,
      host,
      state,
      limit: limit === undefined ? undefined : Number(limit),
      after,
    };
    return this.send(
      'listInstances',
      Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'One instance' })
  get(@Param('id') id: string): Promise<unknown> {
    return this.send('getInstance', { instance: id });
  }

  private send(name: CommandName, payload: Record<string, unknown>): Promise<unknown> {
    const checked = validateCommand(name, payload);
    if (!checked.ok) throw new ValidationFailed(checked.errors, 'request');
    return this.commands.send(Commands[name].service, Commands[name].subject, payload);
  }
}
