import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CostGroupings, CostReport, ValidationFailed, validateCommand } from '@federa/contracts';
import { CommandClient } from '@federa/messaging';
import { ApiContractResponse } from '../openapi/api-contract.decorators';
import { sendJsonText } from '../json-passthrough';

/** Cost per service, application, host or site over a window: answered by the statistics service. */
@ApiTags('statistics')
@Controller('v1')
export class CostsController {
  constructor(private readonly commands: CommandClient) {}

  @Get('costs')
  @ApiOperation({
    summary:
      "Cost over a window: usage at each host's rates with its UPS/RAID surcharges, plus hosts' standing cost",
  })
  @ApiQuery({ name: 'groupBy', required: false, enum: [...CostGroupings] })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601; default 24 hours before to' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601, exclusive; default now' })
  @ApiQuery({
    name: 'service',
    required: false,
    description: 'Only this service (groupBy service or application)',
  })
  @ApiContractResponse(
    200,
    CostReport,
    'Cost per group, most expensive first, with budgets for services',
  )
  async costs(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    const checked = validateCommand('getCosts', query);
    if (!checked.ok) throw new ValidationFailed(checked.errors, 'request');
    sendJsonText(
      response,
      await this.commands.sendCommandForJson('getCosts', query, { validated: true }),
    );
  }
}
