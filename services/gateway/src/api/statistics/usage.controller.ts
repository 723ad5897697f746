import { Controller, Get, Module, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { UsageReport, ValidationFailed, validateCommand } from '@federa/contracts';
import { CommandClient } from '@federa/messaging';
import { ApiContractResponse } from '../openapi/api-contract.decorators';
import { sendJsonText } from '../json-passthrough';

/** Usage per instance and host over a window: answered by the statistics service. */
@ApiTags('statistics')
@Controller('v1')
export class UsageController {
  constructor(private readonly commands: CommandClient) {}

  @Get('usage')
  @ApiOperation({
    summary:
      'Usage per instance and host over a window: cpu-seconds, memory GiB-minutes, storage GiB-hours, network bytes in and out, load',
  })
  @ApiQuery({ name: 'service', required: false })
  @ApiQuery({ name: 'app', required: false })
  @ApiQuery({ name: 'host', required: false })
  @ApiQuery({
    name: 'from',
    required: false,
    description:
      'ISO 8601, before to and not in the future; default 1 hour before to. The window is at most the days minutes are kept (FEDERA_STATISTICS_MINUTE_RETENTION_DAYS)',
  })
  @ApiQuery({
    name: 'to',
    required: false,
    description: 'ISO 8601, exclusive, after the oldest minute kept; default now',
  })
  @ApiContractResponse(200, UsageReport, 'Usage per instance and host, by service and application')
  async usage(@Query() query: Record<string, unknown>, @Res() response: Response): Promise<void> {
    const checked = validateCommand('getUsage', query);
    if (!checked.ok) throw new ValidationFailed(checked.errors, 'request');
    sendJsonText(
      response,
      await this.commands.sendCommandForJson('getUsage', query, { validated: true }),
    );
  }
}

/** `/v1/usage`, served by asking the statistics service. */
@Module({ controllers: [UsageController] })
export class UsageModule {}
