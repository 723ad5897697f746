import {
  AgentHeartbeat,
  AgentReport,
  FederaError,
  Subjects,
  validatePayload,
  type AgentCommand,
  type CommandReply,
  type InstanceEndpoint,
  cleanAgentText,
} from '@federa/contracts';
import { Logger } from '@nestjs/common';
import { SubjectGuard, traceHeaders } from '@federa/messaging';
import { JSONCodec, type NatsConnection, type Subscription } from 'nats';
import { RefusedMessageLog } from '../agents/refused-message-log';

const json = JSONCodec();

/** One instance's state as an agent last said it (from a report or a heartbeat). */
export interface ObservedInstance {
  host: string;
  instance: string;
  state: string;
  load?: number;
  /** The agent's words, cleaned of what the log cannot store (cleanAgentText). */
  detail?: string;
  /** ms since epoch, the agent's send time. */
  at: number;
  /** The agent run's fencing epoch, as the message says: an older one than the host's is stale. */
  epoch: number;
  /** The agent's heartbeat interval, when a heartbeat said it. */
  intervalMs?: number;
  /** Where the instance answers, when the agent said. */
  endpoint?: InstanceEndpoint;
}

/**
 * Supervision's side of the agent protocol: sends commands to one host's agent (request/reply, the
 * answer is acceptance only; the outcome arrives as reports) and hands every observed instance state
 * and load to the listener. Malformed messages are dropped (and said so, naming the fields): an
 * agent cannot corrupt the view.
 */
export class AgentLink {
  private readonly subscriptions: Subscription[] = [];
  private readonly refusals = new RefusedMessageLog((line) => new Logger('AgentLink').warn(line));
  private epochless = 0;

  /**
   * Instance reports dropped for naming no epoch (0: sent before the agent had registered): nothing
   * could tell whether their agent run is the host's current one.
   */
  get epochlessReports(): number {
    return this.epochless;
  }

  constructor(
    private readonly nc: NatsConnection,
    private readonly subjects: Subjects,
    private readonly timeoutMs: number,
  ) {}

  /** Subscribes to every host's reports and heartbeats. */
  listen(onObserved: (observed: ObservedInstance, source: 'report' | 'heartbeat') => void): void {
    const log = (line: string) => new Logger('AgentLink').warn(line);
    const reports = new SubjectGuard(this.subjects.allReports, log);
    const heartbeats = new SubjectGuard(this.subjects.allHeartbeats, log);
    this.subscriptions.push(
      this.nc.subscribe(this.subjects.allReports, {
        callback: (_error, msg) => {
          if (!reports.admits(msg.subject)) return;
          const report = validatePayload(AgentReport, withCleanDetail(decode(msg.data)));
          if (!report.ok) return this.refusals.refused(msg.subject, report.errors);
          if (report.value.host !== hostOfSubject(msg.subject))
            return this.refusals.refused(msg.subject, [hostMismatch(msg.subject)]);
          if (report.value.kind !== 'instance' || !report.value.state) return;
          const r = report.value;
          if (r.epoch === 0) {
            this.epochless += 1;
            return;
          }
          onObserved(
            {
              host: r.host,
              instance: r.instance,
              state: r.state as string,
              load: r.load,
              ...(r.detail !== undefined ? { detail: r.detail } : {}),
              ...(r.endpoint ? { endpoint: r.endpoint } : {}),
              at: r.sentAt,
              epoch: r.epoch,
            },
            'report',
          );
        },
      }),
      this.nc.subscribe(this.subjects.allHeartbeats, {
        callback: (_error, msg) => {
          if (!heartbeats.admits(msg.subject)) return;
          const beat = validatePayload(AgentHeartbeat, decode(msg.data));
          if (!beat.ok) return this.refusals.refused(msg.subject, beat.errors);
          if (beat.value.host !== hostOfSubject(msg.subject))
            return this.refusals.refused(msg.subject, [hostMismatch(msg.subject)]);
          for (const i of beat.value.instances) {
            onObserved(
              {
                host: beat.value.host,
                instance: i.instance,
                state: i.state,
                load: i.load,
                ...(i.endpoint ? { endpoint: i.endpoint } : {}),
                at: beat.value.sentAt,
                epoch: beat.value.epoch,
                intervalMs: beat.value.intervalMs,
              },
              'heartbeat',
            );
          }
        },
      }),
    );
  }

  /** Sends a command to a host's agent; resolves on acceptance, throws FederaError on refusal or silence. */
  async send(host: string, command: AgentCommand): Promise<unknown> {
    let reply: CommandReply;
    try {
      const msg = await this.nc.request(this.subjects.agentCommand(host), json.encode(command), {
        timeout: this.timeoutMs,
        headers: traceHeaders(),
      });
      reply = json.decode(msg.data) as CommandReply;
    } catch (error) {
      throw new FederaError(
        'unavailable',
        `agent ${host} did not answer ${command.type}: ${String(error)}`,
      );
    }
    if (!reply.ok) throw FederaError.fromBody(reply);
    return reply.result;
  }

  close(): void {
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
  }
}

function decode(data: Uint8Array): unknown {
  try {
    return json.decode(data);
  } catch {
    return undefined;
  }
}

/** `<prefix>.agent.<host>.heartbeat|report`; a prefix never holds a dot. */
function hostOfSubject(subject: string): string {
  return subject.split('.')[2];
}

/** A host speaking on another host's subject: refused, so that a forged report changes nothing. */
function hostMismatch(subject: string): { path: string; reason: string } {
  return { path: 'host', reason: `must match the subject's host ${hostOfSubject(subject)}` };
}

/**
 * A report with its free text cleaned before it is validated: validation refuses what the log cannot
 * store (NUL, lone surrogates), and an agent's words are facts to keep (cleanAgentText), not a
 * reason to drop the whole report.
 */
function withCleanDetail(decoded: unknown): unknown {
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) return decoded;
  const detail = (decoded as { detail?: unknown }).detail;
  return typeof detail === 'string' ? { ...decoded, detail: cleanAgentText(detail) } : decoded;
}
