import type { NatsConnection } from 'nats';
import type { Pool } from 'pg';
import { FederaError } from '@federa/contracts';
import type { GatewayConfig } from '../../gateway-config';
import { ReadinessService } from '../../infrastructure/readiness.service';
import { HealthController } from './health.controller';

/** A gateway whose Postgres and NATS answer, and whose backend services never do. */
function gatewayWithSilentBackends(): { controller: HealthController; pings: string[] } {
  const pings: string[] = [];
  const pool = { query: () => Promise.resolve({ rows: [] }) } as unknown as Pool;
  const nats = {
    isClosed: () => false,
    flush: () => Promise.resolve(),
    request: (subject: string) => {
      pings.push(subject);
      return Promise.reject(Object.assign(new Error('no responders'), { code: '503' }));
    },
  } as unknown as NatsConnection;
  const config = { subjectPrefix: 'test', readinessTimeoutMs: 200 } as unknown as GatewayConfig;
  return { controller: new HealthController(new ReadinessService(pool, nats, config)), pings };
}

describe('the gateway readiness endpoint', () => {
  it('is not ready while a backend service does not answer, naming it', async () => {
    const { controller } = gatewayWithSilentBackends();
    await expect(controller.readyz()).rejects.toThrow(/placement is down/);
  });

  it('with scope=self is ready when its own Postgres and NATS answer, asking no backend', async () => {
    const { controller, pings } = gatewayWithSilentBackends();
    await expect(controller.readyz('self')).resolves.toEqual({
      status: 'ready',
      checks: { postgres: 'up', nats: 'up' },
    });
    expect(pings).toEqual([]);
  });

  it('refuses an unknown scope, naming the field', async () => {
    const { controller } = gatewayWithSilentBackends();
    const refusal = await controller.readyz('everything').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(FederaError);
    expect((refusal as FederaError).details).toEqual([
      { path: 'scope', reason: 'must be "self" or left out' },
    ]);
  });
});
