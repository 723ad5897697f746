import type { AgentCommand, AgentCommandAccepted, NormalisedServiceProbe } from '@federa/contracts';
import type { ServiceState } from '../domain/service-decider';
import type { ServiceProbeStanding } from '../domain/service-health';
import { declaredProbeOf, recordedProbeStanding } from '../domain/service-probe-standing';
import type { SupervisionView } from '../domain/supervision-view';
import {
  resultChanged,
  tallyProbe,
  type ProbeAttempt,
  type ProbeTally,
} from './domain/probe-tally';

/** What the runner needs of the agent protocol: a command to one host, its acceptance back. */
export interface ProbeSender {
  send(host: string, command: AgentCommand): Promise<unknown>;
}

export interface ServiceProbeRunnerOptions {
  view: SupervisionView;
  link: ProbeSender;
  /** Only the leader probes: the results it keeps are the ones health is recorded from. */
  isLeader: () => boolean;
  /** A service's probe result changed: its health is to be assessed again. */
  changed: (service: string) => void;
  warn: (message: string) => void;
  now?: () => number;
  /** How often due probes are looked for. @default 250 */
  tickMs?: number;
}

/**
 * The leader's end-to-end probes (docs/adr/service-probe.md): for each running service that
 * declares spec.serviceProbe, every intervalMs it asks the agent of one serving (healthy) instance
 * of the probe's application to GET the path on it (`probe-http`), tallies the answers and
 * tells health when the result changes. Results live in memory; health events carry them to the
 * log on change, and a new leader starts from the result the log recorded.
 */
export class ServiceProbeRunner {
  private readonly tallies = new Map<string, ProbeTally>();
  private readonly due = new Map<string, number>();
  private readonly running = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private sent = 0;
  private readonly now: () => number;

  constructor(private readonly options: ServiceProbeRunnerOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 250);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(this.running.values());
  }

  /**
   * The standing health goes by: this leader's latest result, else the one the log recorded
   * (`pending` before any); undefined when the service declares no probe.
   */
  standingOf(service: string, state: ServiceState): ServiceProbeStanding | undefined {
    const recorded = recordedProbeStanding(state);
    const current = this.tallies.get(service)?.current;
    if (!recorded || !current || !state.running) return recorded;
    return { application: recorded.application, ...current };
  }

  /** Starts the probes that are due; a service's probe never overlaps itself. */
  tick(): void {
    if (!this.options.isLeader()) {
      // A follower's memory would be stale by the time it leads: it starts from the log then.
      this.tallies.clear();
      this.due.clear();
      return;
    }
    const now = this.now();
    for (const [name, state] of this.options.view.services) {
      const probe = state.running ? declaredProbeOf(state) : undefined;
      if (!probe) {
        this.tallies.delete(name);
        this.due.delete(name);
        continue;
      }
      if (this.running.has(name) || now < (this.due.get(name) ?? 0)) continue;
      this.due.set(name, now + probe.intervalMs);
      const run = this.probe(name, probe)
        .catch((error) => this.options.warn(`service probe of ${name}: ${String(error)}`))
        .finally(() => this.running.delete(name));
      this.running.set(name, run);
    }
  }

  /** Runs one probe of the service now and tallies it (tests; the timer calls tick). */
  async probe(name: string, probe: NormalisedServiceProbe): Promise<void> {
    const attempt = await this.attempt(name, probe);
    if (!attempt) {
      // Nobody to ask yet (a deploy under way): ask again at the next tick, not an interval later.
      this.due.delete(name);
      return;
    }
    const before = this.tallies.get(name);
    const after = tallyProbe(before, attempt, probe.failureThreshold);
    this.tallies.set(name, after);
    if (resultChanged(before?.current, after.current)) this.options.changed(name);
  }

  /** Asks one serving instance's agent; undefined when none serves (health says so already). */
  private async attempt(
    name: string,
    probe: NormalisedServiceProbe,
  ): Promise<ProbeAttempt | undefined> {
    const { view } = this.options;
    const serving = view
      .instancesOf(name, this.now())
      .filter((i) => i.app === probe.application && i.state === 'healthy' && !i.stranded && i.host);
    if (serving.length === 0) return undefined;
    // Always the same one while it serves: another instance's words for the same fault would read as
    // a new result and be recorded again.
    const instance = serving.sort((a, b) => (a.id < b.id ? -1 : 1))[0];
    const host = instance.host as string;
    const at = new Date(this.now()).toISOString();
    try {
      const accepted = (await this.options.link.send(host, {
        commandId: `probe-http-${instance.id}-${this.now()}-${++this.sent}`,
        epoch: view.epochOf(instance),
        type: 'probe-http',
        instance: instance.id,
        path: probe.path,
        timeoutMs: probe.timeoutMs,
      })) as AgentCommandAccepted;
      const answer = accepted.probe;
      if (!answer) return { passed: false, reason: `agent ${host} answered no probe`, at };
      return answer.healthy
        ? { passed: true, at }
        : { passed: false, reason: `${answer.detail ?? 'unhealthy'} (${instance.id})`, at };
    } catch (error) {
      return { passed: false, reason: (error as Error).message, at };
    }
  }
}
