import { Controller, Inject, Logger, type Type } from '@nestjs/common';
import { SubjectGuard } from '@federa/messaging';
import { MessagePattern } from '@nestjs/microservices';
import type { CommandReply, HealthCheck, ServiceHealthReport } from '@federa/contracts';
import { JSONCodec, type NatsConnection, type Subscription } from 'nats';

/** Answers what is wrong with one dependency now, or undefined when it is fine. */
export type HealthProbe = () => string | undefined | Promise<string | undefined>;

/**
 * Longest a probe may take before its dependency counts as down: half the gateway's readiness
 * timeout, so that a hung dependency is named in the answer rather than the ping timing out.
 */
const defaultProbeTimeoutMs = 500;

/**
 * A service's own readiness: the dependencies it follows (Postgres, its log subscription, its read
 * models, ...) each with a probe, asked live on every report. Answered on `Subjects.health(service)`
 * (healthPingController, answerHealthPings), which is what the gateway's /readyz asks.
 */
export class ServiceHealth {
  private readonly probes = new Map<string, HealthProbe>();

  constructor(
    readonly service: string,
    private readonly probeTimeoutMs = defaultProbeTimeoutMs,
  ) {}

  /** Adds (or replaces) the probe of `dependency`. */
  add(dependency: string, probe: HealthProbe): this {
    this.probes.set(dependency, probe);
    return this;
  }

  async report(): Promise<ServiceHealthReport> {
    const checks = await Promise.all(
      [...this.probes].map(([dependency, probe]) => this.check(dependency, probe)),
    );
    return { service: this.service, ready: checks.every((c) => c.up), checks };
  }

  private check(dependency: string, probe: HealthProbe): Promise<HealthCheck> {
    return probeWithin(dependency, this.probeTimeoutMs, probe);
  }
}

/**
 * Asks one probe: `dependency` is down with the problem it answers, the error it throws, or when it
 * does not answer within `timeoutMs` (a hung dependency is named rather than hanging its asker).
 */
export async function probeWithin(
  dependency: string,
  timeoutMs: number,
  probe: HealthProbe,
): Promise<HealthCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    const problem = await Promise.race([Promise.resolve().then(probe), timeout]);
    return problem === undefined
      ? { dependency, up: true }
      : { dependency, up: false, reason: problem };
  } catch (error) {
    return {
      dependency,
      up: false,
      reason: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The probe of a pg pool (or client): one `SELECT 1`. */
export function postgresProbe(db: { query(sql: string): Promise<unknown> }): HealthProbe {
  return async () => {
    await db.query('SELECT 1');
    return undefined;
  };
}

/**
 * The Nest controller answering `<prefix>.health.<service>` on the command transport, in every replica
 * (no queue group): a service module lists it among its controllers and provides ServiceHealth.
 */
export function healthPingController(service: string): Type<unknown> {
  @Controller()
  class HealthPingController {
    constructor(@Inject(ServiceHealth) private readonly health: ServiceHealth) {}

    @MessagePattern(`health.${service}`, { queue: false })
    ping(): Promise<ServiceHealthReport> {
      return this.health.report();
    }
  }
  return HealthPingController;
}

const json = JSONCodec();

/**
 * Answers the health pings of a service that has a NATS connection but no command transport (the
 * relay), in the same format: a CommandReply whose result is the report.
 */
export function answerHealthPings(
  nc: NatsConnection,
  subject: string,
  health: ServiceHealth,
): Subscription {
  const guard = new SubjectGuard(subject, (line) => new Logger('HealthPings').warn(line));
  return nc.subscribe(subject, {
    callback: (error, msg) => {
      if (error || !guard.admits(msg.subject)) return;
      health
        .report()
        .then((report) => {
          const reply: CommandReply<ServiceHealthReport> = { ok: true, result: report };
          msg.respond(json.encode(reply));
        })
        .catch(() => {
          // respond throws when the answer cannot go out (the connection closed while the probes ran,
          // a report larger than the bus takes): the asker times out and reads the service unready.
          // Left to reject, it would be unhandled and end the process.
        });
    },
  });
}
