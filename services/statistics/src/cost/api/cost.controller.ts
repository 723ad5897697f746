import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { CostReport, GetCostsQuery } from '@federa/contracts';
import { CommandContractPipe } from '@federa/messaging';
import { CostReports } from './cost-reports';

/** `cmd.statistics.costs`, for the gateway's `GET /v1/costs`. */
@Controller()
export class CostController {
  constructor(@Inject(CostReports) private readonly reports: CostReports) {}

  @MessagePattern('cmd.statistics.costs')
  costs(@Payload(new CommandContractPipe('getCosts')) query: GetCostsQuery): Promise<CostReport> {
    return this.reports.report(query);
  }
}
