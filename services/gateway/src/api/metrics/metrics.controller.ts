import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { register, type Registry } from 'prom-client';
import { Public } from '../auth/requires-role.decorator';
import { HttpMetrics } from './http-metrics';

@ApiExcludeController()
@Public()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: HttpMetrics) {}

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metricsText(@Res() response: Response): Promise<void> {
    response.setHeader('Content-Type', this.metrics.registry.contentType);
    response.send(await gatewayAndProcessMetrics(this.metrics.registry));
  }
}

/**
 * The gateway's own registry (HTTP, shedding, tokens) and what Federa's libraries count on the
 * process's default registry (pools, NATS, commands), as one text; a family both hold (a test
 * running several services in one process) is served once, the gateway's.
 */
export async function gatewayAndProcessMetrics(gateway: Registry): Promise<string> {
  const own = new Set(gateway.getMetricsAsArray().map((metric) => metric.name));
  const shared: string[] = [];
  for (const metric of register.getMetricsAsArray()) {
    if (!own.has(metric.name)) shared.push(await register.getSingleMetricAsString(metric.name));
  }
  return [await gateway.metrics(), ...shared].join('\n');
}
