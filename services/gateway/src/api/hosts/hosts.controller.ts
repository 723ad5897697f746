import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  DrainPlan,
  DrainRequest,
  HostActionRequest,
  HostPage,
  HostView,
  ReplaceRequest,
  ValidationFailed,
  validateCommand,
  type CommandName,
} from '@federa/contracts';
import { CommandClient } from '@federa/messaging';
import { CurrentPrincipal, originOf, type Principal } from '../auth/principal';
import {
  ApiContractBody,
  ApiContractResponse,
  contractRef,
} from '../openapi/api-contract.decorators';
import { sendJsonText } from '../json-passthrough';
import { bodyFields, checkedListQuery } from '../validation/request-fields';

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
  @ApiContractResponse(
    200,
    HostPage,
    'A page of hosts; `next` is the `after` of the following page',
  )
  async list(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    sendJsonText(
      response,
      await this.commands.sendCommandForJson('listHosts', checkedListQuery('listHosts', query), {
        validated: true,
      }),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'One host' })
  @ApiContractResponse(200, HostView, 'The host')
  get(@Param('id') id: string): Promise<HostView> {
    return this.commands.sendCommand('getHost', { host: id });
  }

  @Post(':id/cordon')
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop new placements on the host' })
  @ApiContractBody(HostActionRequest, { description: 'Why (optional)', required: false })
  @ApiContractResponse(200, HostView, 'The host, cordoned')
  cordon(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal | undefined,
    @Body() body?: unknown,
  ): Promise<HostView> {
    return this.commands.sendCommand(
      'cordonHost',
      { ...bodyFields(body, ['reason']), host: id },
      originOf(principal),
    );
  }

  @Post(':id/uncordon')
  @HttpCode(200)
  @ApiOperation({ summary: 'Allow new placements on the host again' })
  @ApiContractResponse(200, HostView, 'The host, no longer cordoned')
  uncordon(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal | undefined,
  ): Promise<HostView> {
    return this.commands.sendCommand('uncordonHost', { host: id }, originOf(principal));
  }

  @Post(':id/drain')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Evacuate the host: migration moves its instances away; with ?dryRun=true, the plan only ' +
      '(where each instance would go, what blocks, the cost per hour before and after)',
  })
  @ApiQuery({ name: 'dryRun', required: false, enum: ['true', 'false'] })
  @ApiContractBody(DrainRequest, { description: 'Why, and a deadline (optional)', required: false })
  @ApiResponse({
    status: 200,
    description:
      'The host, draining (drained when nothing runs on it); with ?dryRun=true, the plan',
    schema: { oneOf: [contractRef(HostView), contractRef(DrainPlan)] },
  })
  drain(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal | undefined,
    @Body() body?: unknown,
    @Query('dryRun') dryRun?: string,
  ): Promise<HostView | DrainPlan> {
    const request = { ...bodyFields(body, ['reason', 'deadlineMs']), host: id };
    if (flag('dryRun', dryRun)) {
      refuseInvalid('drainHost', request);
      return this.commands.sendCommand('planDrain', { host: id });
    }
    return this.commands.sendCommand('drainHost', request, originOf(principal));
  }

  @Post(':id/replace')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Move everything from the host to the named new host, with its data, then retire it; ' +
      'with ?dryRun=true, the plan only',
  })
  @ApiQuery({ name: 'dryRun', required: false, enum: ['true', 'false'] })
  @ApiContractBody(ReplaceRequest, { description: 'The new host (`with`)' })
  @ApiResponse({
    status: 200,
    description: 'The host, draining towards the new one; with ?dryRun=true, the plan',
    schema: { oneOf: [contractRef(HostView), contractRef(DrainPlan)] },
  })
  replace(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal | undefined,
    @Body() body?: unknown,
    @Query('dryRun') dryRun?: string,
  ): Promise<HostView | DrainPlan> {
    const request: Record<string, unknown> = {
      ...bodyFields(body, ['with', 'reason', 'deadlineMs']),
      host: id,
    };
    if (flag('dryRun', dryRun)) {
      refuseInvalid('replaceHost', request);
      return this.commands.sendCommand('planDrain', { host: id, with: request.with });
    }
    return this.commands.sendCommand('replaceHost', request, originOf(principal));
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Retire the host; refused (409) while instances remain unless ?force=true',
  })
  @ApiQuery({ name: 'force', required: false, enum: ['true', 'false'] })
  @ApiContractResponse(200, HostView, 'The host, retired')
  retire(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal | undefined,
    @Query('force') force?: string,
  ): Promise<HostView> {
    return this.commands.sendCommand(
      'retireHost',
      { host: id, force: flag('force', force) },
      originOf(principal),
    );
  }
}

/** A `true`/`false` query flag; anything else is a 400 naming it. */
function flag(name: string, value: string | undefined): boolean {
  if (value !== undefined && value !== 'true' && value !== 'false') {
    throw new ValidationFailed([{ path: name, reason: 'must be true or false' }], 'request');
  }
  return value === 'true';
}

/**
 * Refuses a dry run's body as the real request would be refused (a 400 naming each field), so that a
 * plan is never shown for a request that could not be made.
 */
function refuseInvalid(name: CommandName, payload: Record<string, unknown>): void {
  const checked = validateCommand(name, payload);
  if (!checked.ok) throw new ValidationFailed(checked.errors, 'request');
}
