import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { MigrateInstanceRequest, MigrationPage, MigrationSummary } from '@federa/contracts';
import { CommandClient } from '@federa/messaging';
import { CurrentPrincipal, originOf, type Principal } from '../auth/principal';
import { RequiresRole } from '../auth/requires-role.decorator';
import { ApiContractBody, ApiContractResponse } from '../openapi/api-contract.decorators';
import { sendJsonText } from '../json-passthrough';
import { bodyFields, checkedListQuery } from '../validation/request-fields';

/** Moving instances between hosts: answered by the migration service over NATS. */
@ApiTags('migrations')
@Controller('v1')
export class MigrationsController {
  constructor(private readonly commands: CommandClient) {}

  @Post('instances/:id/migrate')
  @HttpCode(202)
  @RequiresRole('operator')
  @ApiOperation({
    summary:
      'Move the instance to another host (placement chooses unless `to`); live where both ends can, else cold',
  })
  @ApiContractBody(MigrateInstanceRequest, {
    description: 'Where and how (optional)',
    required: false,
  })
  @ApiContractResponse(202, MigrationSummary, 'The migration, recorded; it runs in the background')
  migrate(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal | undefined,
    @Body() body?: unknown,
  ): Promise<MigrationSummary> {
    return this.commands.sendCommand(
      'migrateInstance',
      { ...bodyFields(body, ['to', 'mode']), instance: id },
      originOf(principal),
    );
  }

  @Get('migrations')
  @ApiOperation({ summary: 'List migrations, filtered by instance or state' })
  @ApiQuery({ name: 'instance', required: false })
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'after', required: false })
  @ApiContractResponse(200, MigrationPage, 'A page of migrations, in id order')
  async list(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    sendJsonText(
      response,
      await this.commands.sendCommandForJson(
        'listMigrations',
        checkedListQuery('listMigrations', query),
        { validated: true },
      ),
    );
  }

  @Get('migrations/:id')
  @ApiOperation({ summary: 'One migration: its phases with their times, bytes copied, downtime' })
  @ApiContractResponse(200, MigrationSummary, 'The migration')
  get(@Param('id') id: string): Promise<MigrationSummary> {
    return this.commands.sendCommand('getMigration', { migration: id });
  }
}
