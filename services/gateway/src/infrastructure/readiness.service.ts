import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { Pool } from 'pg';
import { DATABASE_POOL } from './database/database-pool';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { NATS_CONNECTION } from './nats-connection.provider';
import { probeWithin, readiness, type DependencyStatus } from '../domain/readiness';

/** Asks Postgres and NATS, live on every call, whether they answer within a short time. */
@Injectable()
export class ReadinessService {
  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async check(): Promise<{ ready: boolean; checks: DependencyStatus[]; down: DependencyStatus[] }> {
    const timeoutMs = this.config.readinessTimeoutMs ?? 1000;
    const checks = await Promise.all([
      probeWithin('postgres', timeoutMs, () => this.pool.query('SELECT 1')),
      probeWithin('nats', timeoutMs, async () => {
        if (this.nats.isClosed()) throw new Error('connection closed');
        await this.nats.flush();
      }),
    ]);
    return { ...readiness(checks), checks };
  }
}
