import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { GetUsageQuery, UsageReport } from '@federa/contracts';
import { CommandContractPipe } from '@federa/messaging';
import { UsageReader } from '../infrastructure/usage-reader';
import { HeartbeatUsageListener } from './heartbeat-usage.listener';

/** Usage queries over NATS (`cmd.statistics.usage`), for the gateway. */
@Controller()
export class UsageController {
  constructor(
    @Inject(UsageReader) private readonly reader: UsageReader,
    private readonly listener: HeartbeatUsageListener,
  ) {}

  @MessagePattern('cmd.statistics.usage')
  async usage(
    @Payload(new CommandContractPipe('getUsage')) query: GetUsageQuery,
  ): Promise<UsageReport> {
    const report = await this.reader.usage(query);
    if (this.listener.listening) report.intake = { ...this.listener.counts };
    return report;
  }
}
