import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CommandClient } from '@federa/messaging';
import { listQueryFields } from '../validation/request-fields';

/** Instances as supervision knows them: `id, service, app, host, layer, state, since`. */
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
  list(@Query() query: Record<string, unknown>): Promise<unknown> {
    return this.commands.sendCommand('listInstances', listQueryFields(query));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One instance' })
  get(@Param('id') id: string): Promise<unknown> {
    return this.commands.sendCommand('getInstance', { instance: id });
  }
}
