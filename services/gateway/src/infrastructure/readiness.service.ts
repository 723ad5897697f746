import { Inject, Injectable } from '@nestjs/common';
import { Subjects } from '@federa/contracts';
import { postgresProbe, probeWithin } from '@federa/runtime';
import { JSONCodec, type NatsConnection } from 'nats';
import type { Pool } from 'pg';
import { DATABASE_POOL } from './database/database-pool';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { NATS_CONNECTION } from './nats-connection.provider';
import {
  readiness,
  readinessInformationalDefault,
  readinessServicesDefault,
  serviceHealthProblem,
  type DependencyStatus,
} from '../domain/readiness';

const json = JSONCodec();

/**
 * Asks Postgres, NATS and every backend service (a health ping each, answered by a replica with its
 * own checks), live on every call, whether they answer within a short time. With `backends: false`
 * it asks Postgres and NATS only: what this gateway itself needs to serve, which is what a load
 * balancer should route on (one unready backend must not take every gateway out of rotation).
 */
@Injectable()
export class ReadinessService {
  constructor(
    @Inject(DATABASE_POOL) private readonly pool: Pool,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async check(options: { backends?: boolean } = {}): Promise<{
    ready: boolean;
    checks: DependencyStatus[];
    down: DependencyStatus[];
    degraded: DependencyStatus[];
  }> {
    const timeoutMs = this.config.readinessTimeoutMs ?? 1000;
    const subjects = new Subjects(this.config.subjectPrefix);
    const services =
      options.backends === false ? [] : (this.config.readinessServices ?? readinessServicesDefault);
    const informational = this.config.readinessInformational ?? readinessInformationalDefault;
    const checks = await Promise.all([
      probeWithin('postgres', timeoutMs, postgresProbe(this.pool)),
      probeWithin('nats', timeoutMs, async () => {
        if (this.nats.isClosed()) throw new Error('connection closed');
        await this.nats.flush();
        return undefined;
      }),
      ...services.map((service) =>
        probeWithin(service, timeoutMs, async () => {
          let answer: unknown;
          try {
            const reply = await this.nats.request(subjects.health(service), undefined, {
              timeout: timeoutMs,
            });
            answer = json.decode(reply.data);
          } catch (error) {
            const code = (error as { code?: unknown }).code;
            throw new Error(
              code === '503'
                ? 'no replica answers its health ping'
                : `its health ping failed: ${(error as Error).message}`,
            );
          }
          return serviceHealthProblem(answer);
        }),
      ),
    ]);
    const marked = checks.map((c) =>
      informational.includes(c.dependency) ? { ...c, informational: true } : c,
    );
    return { ...readiness(marked), checks: marked };
  }
}
