import { Controller, Get, HttpCode, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ErrorCodes, FederaError } from '@federa/contracts';
import { Public } from '../auth/requires-role.decorator';
import { ReadinessService } from '../../infrastructure/readiness.service';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('healthz')
  @ApiOperation({ summary: 'Liveness: the process answers', security: [] })
  @ApiOkResponse({
    description: 'The process is up',
    schema: {
      type: 'object',
      properties: { status: { type: 'string', enum: ['ok'] } },
      required: ['status'],
    },
  })
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Readiness: Postgres and NATS answer, and every backend service answers its health ping ready (503 naming the ones that do not); statistics is reported (`degraded` when not ready) but never fails it. With `scope=self`, Postgres and NATS only: what this gateway needs to serve (for a load balancer's readiness probe)",
    security: [],
  })
  @ApiQuery({
    name: 'scope',
    required: false,
    type: String,
    enum: ['self'],
    description: '`self`: check only what this gateway itself needs (Postgres and NATS)',
  })
  @ApiOkResponse({
    description: 'Every dependency answers',
    schema: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['ready'] },
        checks: {
          type: 'object',
          additionalProperties: { type: 'string', enum: ['up', 'degraded'] },
          example: {
            postgres: 'up',
            nats: 'up',
            inventory: 'up',
            placement: 'up',
            supervision: 'up',
            relay: 'up',
          },
        },
      },
      required: ['status', 'checks'],
    },
  })
  async readyz(
    @Query('scope') scope?: unknown,
  ): Promise<{ status: 'ready'; checks: Record<string, 'up' | 'degraded'> }> {
    if (scope !== undefined && scope !== 'self') {
      throw new FederaError(ErrorCodes.validation, 'invalid readiness scope', [
        { path: 'scope', reason: 'must be "self" or left out' },
      ]);
    }
    const result = await this.readiness.check({ backends: scope !== 'self' });
    if (!result.ready) {
      throw new FederaError(
        ErrorCodes.unavailable,
        `not ready: ${result.down.map((d) => `${d.dependency} is down`).join(', ')}`,
        result.down.map((d) => ({ dependency: d.dependency, status: 'down', reason: d.reason })),
      );
    }
    return {
      status: 'ready',
      checks: Object.fromEntries(
        result.checks.map((c) => [c.dependency, c.up ? ('up' as const) : ('degraded' as const)]),
      ),
    };
  }
}
