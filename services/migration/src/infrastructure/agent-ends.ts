import { Logger } from '@nestjs/common';
import {
  ErrorCodes,
  FederaError,
  Subjects,
  validatePayload,
  instanceStartPayload,
  AgentReport,
  ServiceEndpoints,
  type AgentCommand,
  type CommandReply,
  type InstanceSpecPayload,
} from '@federa/contracts';
import { SubjectGuard, copyStoredData } from '@federa/messaging';
import { JSONCodec, type KV, type NatsConnection } from 'nats';
import {
  commandIdOf,
  type MigrationEnds,
  type MigrationLedger,
  type MovingInstance,
} from '../saga/migration-ends';
import { dataKey } from '../saga/migration-runner';
import type { ClusterReader } from './cluster-reader';

const json = JSONCodec();

export interface AgentEndsOptions {
  /** How long an agent has to accept a command; @default 5000 */
  requestTimeoutMs?: number;
  /** How long a command's work may take before the phase fails; @default 120000 */
  workTimeoutMs?: number;
  /** How long the instance has to answer healthy; @default 60000 */
  healthyTimeoutMs?: number;
  /** Between two probes while waiting for health; @default 500 */
  probeEveryMs?: number;
  /** Copies of a target's data bucket created by a copy (`FEDERA_STREAM_REPLICAS`); @default 1 */
  dataBucketReplicas?: number;
}

/** A command without its id and epoch, which the sender adds. */
type CommandBody = { type: AgentCommand['type'] } & Record<string, unknown>;

/**
 * The migration's ends over the agent protocol: each command is sent with the host's epoch (from
 * the log) and a command id derived from the migration, so that a resend is executed once, and its
 * outcome is the agent's command report; health is the agent's own probe, asked until it passes.
 */
export class AgentEnds implements MigrationEnds, MigrationLedger {
  private readonly requestTimeoutMs: number;
  private readonly workTimeoutMs: number;
  private readonly healthyTimeoutMs: number;
  private readonly probeEveryMs: number;
  private readonly dataBucketReplicas: number | undefined;
  private probes = 0;
  private discovery: Promise<KV> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subjects: Subjects,
    private readonly cluster: ClusterReader,
    options: AgentEndsOptions = {},
  ) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    this.workTimeoutMs = options.workTimeoutMs ?? 120_000;
    this.healthyTimeoutMs = options.healthyTimeoutMs ?? 60_000;
    this.probeEveryMs = options.probeEveryMs ?? 500;
    this.dataBucketReplicas = options.dataBucketReplicas;
  }

  async stopSource(move: MovingInstance): Promise<void> {
    await this.work(move.from, commandIdOf(move, 'stop-source'), {
      type: 'stop',
      instance: move.instance,
      graceMs: 10_000,
    }).catch(ignoreNotFound);
  }

  async exportData(move: MovingInstance): Promise<{ key: string; bytes: number }> {
    const key = dataKey(move);
    const result = await this.work(move.from, commandIdOf(move, 'export'), {
      type: 'export-data',
      instance: move.instance,
      key,
    });
    return { key, bytes: typeof result?.size === 'number' ? result.size : 0 };
  }

  /**
   * Copies the export from the source's data bucket into the target's (each agent reads its own
   * only), then has the target import it. Safe to repeat: parts the target holds with the same
   * digest are not copied again, and the manifest goes last.
   */
  async importData(move: MovingInstance, key: string): Promise<void> {
    await copyStoredData(
      this.nc.jetstream(),
      this.subjects.dataBucketOf(move.from),
      this.subjects.dataBucketOf(move.to),
      key,
      { replicas: this.dataBucketReplicas },
    );
    await this.work(move.to, commandIdOf(move, 'import'), {
      type: 'import-data',
      spec: await this.spec(move),
      key,
    });
  }

  async startTarget(move: MovingInstance): Promise<void> {
    await this.work(move.to, commandIdOf(move, 'start-target'), {
      type: 'start',
      spec: await this.spec(move, await this.endpointsOnSource(move)),
    });
  }

  async startSource(move: MovingInstance): Promise<void> {
    await this.work(move.from, commandIdOf(move, 'start-source'), {
      type: 'start',
      spec: await this.spec(move),
    });
  }

  async resumeSource(
    move: MovingInstance,
  ): Promise<{ copy: 'runs' } | { copy: 'gone'; why: string }> {
    try {
      await this.work(move.from, commandIdOf(move, 'resume-source'), {
        type: 'resume',
        instance: move.instance,
      });
      return { copy: 'runs' };
    } catch (error) {
      // The agent answered: it holds no such instance, or the one it holds cannot run as it stands.
      const answered =
        error instanceof CommandFailed ||
        (error instanceof FederaError && error.code === ErrorCodes.notFound);
      if (answered) return { copy: 'gone', why: (error as Error).message };
      throw error;
    }
  }

  async stopTarget(move: MovingInstance): Promise<void> {
    await this.work(move.to, commandIdOf(move, 'stop-target'), {
      type: 'destroy',
      instance: move.instance,
    }).catch(ignoreNotFound);
  }

  async liveTransfer(move: MovingInstance): Promise<{ bytes?: number; downtimeMs: number }> {
    const prepared = await this.work(move.to, commandIdOf(move, 'migrate-in'), {
      type: 'migrate-in',
      spec: await this.spec(move, await this.endpointsOnSource(move)),
    });
    const uri = typeof prepared?.uri === 'string' ? prepared.uri : '';
    if (!uri) throw new Error(`${move.to} answered migrate-in without a uri`);
    const moved = await this.work(move.from, commandIdOf(move, 'migrate-out'), {
      type: 'migrate-out',
      instance: move.instance,
      target: { host: move.to, uri },
    });
    return { downtimeMs: typeof moved?.downtimeMs === 'number' ? moved.downtimeMs : 0 };
  }

  async awaitHealthy(move: MovingInstance, host: string): Promise<void> {
    const deadline = Date.now() + this.healthyTimeoutMs;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      try {
        const accepted = (await this.send(host, {
          commandId: `${move.migration}-probe-${host}-${++this.probes}-${Date.now()}`,
          type: 'probe',
          instance: move.instance,
        })) as { probe?: { healthy?: boolean; detail?: string; state?: string } };
        if (accepted.probe?.healthy) return;
        last = accepted.probe?.detail ?? accepted.probe?.state ?? 'unhealthy';
      } catch (error) {
        last = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, this.probeEveryMs));
    }
    throw new Error(`${move.instance} not healthy on ${host} in time: ${last}`);
  }

  async hostAvailable(host: string): Promise<boolean> {
    return (await this.cluster.host(host))?.up ?? false;
  }

  /** Frees what the instance holds on `host` (its stopped copy and its files); placement's claim follows the log. */
  async release(move: MovingInstance, host: string): Promise<void> {
    await this.work(host, commandIdOf(move, `release-${host}`), {
      type: 'destroy',
      instance: move.instance,
    }).catch(ignoreNotFound);
  }

  private async spec(
    move: MovingInstance,
    endpoints?: ServiceEndpoints,
  ): Promise<InstanceSpecPayload> {
    const app = await this.cluster.application(move.service, move.app);
    if (!app) throw new Error(`no spec for ${move.service}/${move.app}`);
    return instanceStartPayload(move.service, move.instance, app, endpoints);
  }

  /**
   * The service's endpoints as the source host's discovery key holds them, for the copy starting on
   * the target: the target's agent watches its own host's keys only, and supervision may not have
   * written the target's yet. Undefined when they cannot be read: the agent's own key follows.
   */
  private async endpointsOnSource(move: MovingInstance): Promise<ServiceEndpoints | undefined> {
    try {
      this.discovery ??= this.nc
        .jetstream()
        .views.kv(this.subjects.discoveryBucket, { bindOnly: true });
      const entry = await (
        await this.discovery
      ).get(this.subjects.discoveryKey(move.from, move.service));
      if (!entry || entry.operation !== 'PUT') return undefined;
      const value = validatePayload(ServiceEndpoints, entry.json());
      return value.ok ? value.value : undefined;
    } catch {
      this.discovery = undefined;
      return undefined;
    }
  }

  /** Sends a command and resolves with its outcome report's result (throws its error). */
  private async work(
    host: string,
    commandId: string,
    body: CommandBody,
  ): Promise<Record<string, unknown> | undefined> {
    // Ends the wait (its timer and subscription) when the send fails: the caller has that error.
    let cancel: () => void = () => undefined;
    const outcome = new Promise<Record<string, unknown> | undefined>((resolve, reject) => {
      const timer = setTimeout(() => {
        subscription.unsubscribe();
        reject(new Error(`${body.type} on ${host}: no outcome in ${this.workTimeoutMs} ms`));
      }, this.workTimeoutMs);
      const subject = this.subjects.agentReport(host);
      // A JetStream delivery here arrives under its stored subject, forged by whoever stored it.
      const guard = new SubjectGuard(subject, (line) => new Logger('AgentEnds').warn(line));
      const subscription = this.nc.subscribe(subject, {
        callback: (_error, msg) => {
          if (!guard.admits(msg.subject)) return;
          let plain: unknown;
          try {
            plain = json.decode(msg.data);
          } catch {
            return;
          }
          const report = validatePayload(AgentReport, plain);
          if (!report.ok) return;
          const r = report.value;
          // Another host's report on this host's subject (an open bus) is no outcome of ours.
          if (r.kind !== 'command' || r.commandId !== commandId || r.host !== host) return;
          if (r.status !== 'succeeded' && r.status !== 'failed') return;
          clearTimeout(timer);
          subscription.unsubscribe();
          if (r.status === 'succeeded') resolve(r.result);
          else
            reject(
              new CommandFailed(`${body.type} on ${host} failed: ${r.error?.message ?? 'unknown'}`),
            );
        },
      });
      cancel = () => {
        clearTimeout(timer);
        subscription.unsubscribe();
      };
    });
    // Subscribed first: a fast outcome is never missed. A refusal ends the wait at once.
    try {
      await this.send(host, { ...body, commandId });
    } catch (error) {
      cancel();
      outcome.catch(() => undefined);
      throw error;
    }
    return outcome;
  }

  private async send(host: string, command: CommandBody & { commandId: string }): Promise<unknown> {
    const standing = await this.cluster.host(host);
    if (!standing?.up) throw new FederaError(ErrorCodes.unavailable, `host ${host} is not up`);
    let reply: CommandReply;
    try {
      const msg = await this.nc.request(
        this.subjects.agentCommand(host),
        json.encode({ ...command, epoch: standing.epoch }),
        { timeout: this.requestTimeoutMs },
      );
      reply = json.decode(msg.data) as CommandReply;
    } catch (error) {
      throw new FederaError(
        ErrorCodes.unavailable,
        `agent ${host} did not answer ${command.type}: ${String(error)}`,
      );
    }
    if (!reply.ok) throw FederaError.fromBody(reply);
    return reply.result;
  }
}

/** The agent took the command and reported that its work failed (it was reached). */
class CommandFailed extends Error {
  override name = 'CommandFailed';
}

/** A stop or destroy of an instance the agent does not know: nothing is left to stop. */
function ignoreNotFound(error: unknown): void {
  if (error instanceof FederaError && error.code === ErrorCodes.notFound) return;
  throw error;
}
