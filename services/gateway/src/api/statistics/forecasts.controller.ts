import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ForecastReport, ValidationFailed, validateCommand } from '@federa/contracts';
import { CommandClient } from '@federa/messaging';
import { ApiContractResponse } from '../openapi/api-contract.decorators';
import { sendJsonText } from '../json-passthrough';

/** Forecasts of demand and of when capacity runs out: answered by the statistics service. */
@ApiTags('statistics')
@Controller('v1')
export class ForecastsController {
  constructor(private readonly commands: CommandClient) {}

  @Get('forecasts')
  @ApiOperation({
    summary:
      'Latest forecasts: used capacity of the fleet and each site (with when it runs out), demand of each application',
  })
  @ApiQuery({ name: 'scope', required: false, enum: ['fleet', 'site', 'application'] })
  @ApiQuery({ name: 'subject', required: false, description: 'A site, or service/application' })
  @ApiQuery({
    name: 'resource',
    required: false,
    enum: ['cpu', 'memory', 'storage', 'bandwidth', 'load'],
  })
  @ApiQuery({
    name: 'series',
    required: false,
    enum: ['true', 'false'],
    description: 'true: each forecast with its hourly points and the last three days observed',
  })
  @ApiContractResponse(200, ForecastReport, 'Forecasts, those that run out soonest first')
  async list(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    const checked = validateCommand('getForecasts', query);
    if (!checked.ok) throw new ValidationFailed(checked.errors, 'request');
    sendJsonText(
      response,
      await this.commands.sendCommandForJson('getForecasts', query, { validated: true }),
    );
  }
}
