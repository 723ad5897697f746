import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorCodes, FederaError } from '@federa/contracts';
import { Public } from '../auth/requires-role.decorator';
import { ReadinessService } from './readiness.service';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process answers', security: [] })
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Readiness: Postgres and NATS answer (503 naming the ones that do not)',
    security: [],
  })
  async readyz(): Promise<{ status: 'ready'; checks: Record<string, 'up'> }> {
    const result = await this.readiness.check();
    if (!result.ready) {
      throw new FederaError(
        ErrorCodes.unavailable,
        `not ready: ${result.down.map((d) => `${d.dependency} is down`).join(', ')}`,
        result.down.map((d) => ({ dependency: d.dependency, status: 'down', reason: d.reason })),
      );
    }
    return {
      status: 'ready',
      checks: Object.fromEntries(result.checks.map((c) => [c.dependency, 'up' as const])),
    };
  }
}
