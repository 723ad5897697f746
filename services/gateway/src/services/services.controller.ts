import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Commands, ValidationFailed, validateCommand, type CommandName } from '@federa/contracts';
import { CommandClient } from '@federa/messaging';
import type { Request } from 'express';
import { RequiresRole } from '../auth/requires-role.decorator';
import { readSpecBody } from './spec-body';

/** Services and their life cycle (CONTRACT.md, REST API), answered by supervision over NATS. */
@ApiTags('services')
@Controller('v1/services')
export class ServicesController {
  constructor(private readonly commands: CommandClient) {}

  @Put(':name')
  @RequiresRole('operator')
  @ApiOperation({
    summary:
      'Apply a spec (YAML or JSON): create or update; 400 lists every error and stores nothing',
  })
  async apply(@Param('name') name: string, @Req() request: Request): Promise<unknown> {
    return this.send('applyService', { name, spec: await readSpecBody(request) });
  }

  @Get()
  @ApiOperation({
    summary: 'List services: name, state, applications[{name, desired, healthy, instances[]}]',
  })
  list(
    @Query('state') state?: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ): Promise<unknown> {
    return this.send(
      'listServices',
      withoutUndefined({ state, limit: limit === undefined ? undefined : Number(limit), after }),
    );
  }

  @Get(':name')
  @ApiOperation({ summary: 'One service with its applications and instances' })
  get(@Param('name') name: string): Promise<unknown> {
    return this.send('getService', { name });
  }

  @Post(':name/deploy')
  @HttpCode(202)
  @RequiresRole('operator')
  @ApiOperation({ summary: 'Start the applications in dependency order, each at replicas.min' })
  deploy(@Param('name') name: string): Promise<unknown> {
    return this.send('deployService', { name });
  }

  @Post(':name/stop')
  @HttpCode(202)
  @RequiresRole('operator')
  @ApiOperation({ summary: 'Stop the applications in reverse dependency order' })
  stop(@Param('name') name: string): Promise<unknown> {
    return this.send('stopService', { name });
  }

  @Post(':name/copy')
  @HttpCode(201)
  @RequiresRole('operator')
  @ApiOperation({
    summary: 'Copy the service under a new name ({ "as": NAME }): same applications and rules',
  })
  copy(@Param('name') name: string, @Body() body: unknown): Promise<unknown> {
    const as = body && typeof body === 'object' ? (body as { as?: unknown }).as : undefined;
    return this.send('copyService', { name, as });
  }

  @Delete(':name')
  @RequiresRole('operator')
  @ApiOperation({ summary: 'Delete a stopped service' })
  remove(@Param('name') name: string): Promise<unknown> {
    return this.send('deleteService', { name });
  }

  /** Validated here too, so that a bad request is refused with every error even when supervision is down. */
  private send(name: CommandName, payload: Record<string, unknown>): Promise<unknown> {
    const checked = validateCommand(name, payload);
    if (!checked.ok) throw new ValidationFailed(checked.errors, 'request');
    return this.commands.send(Commands[name].service, Commands[name].subject, payload);
  }
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
