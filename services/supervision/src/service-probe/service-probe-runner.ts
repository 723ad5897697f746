import type { AgentCommand, AgentCommandAccepted, NormalisedServiceProbe } from '@federa/contracts';
import type { ServiceState } from '../domain/service-decider';
import type { ServiceProbeStanding } from '../domain/service-health';
import { declaredProbeOf, recordedProbeStanding } from '../domain/service-probe-standing';
import type { SupervisionView } from '../domain/supervision-view';
import { isServing, servingApplications } from '../discovery/domain/serving-endpoints';
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

/** The chain a probe exercises, as last seen: who serves in every application, and since when. */
interface ServingMark {
  signature: string;
  /** Epoch ms of the last change: a probe begun before it says nothing of the chain now. */
  changedAt: number;
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
  private readonly marks = new Map<string, ServingMark>();
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
   * The standing health goes by: this leader's latest result since the serving set last changed,
   * else the one the log recorded (`pending` before any); undefined when the service declares no
   * probe. A recorded pass from before the serving set changed (a redeploy, a dependency replaced)
   * makes no service available again: it stands only while the service still is available, until
   * the next probe answers.
   */
  standingOf(service: string, state: ServiceState): ServiceProbeStanding | undefined {
    const recorded = recordedProbeStanding(state);
    if (!recorded || !state.running) return recorded;
    const mark = this.observe(service, state);
    const current = this.tallies.get(service)?.current;
    if (current) return { application: recorded.application, ...current };
    if (
      recorded.result === 'passed' &&
      state.status !== 'available' &&
      Date.parse(recorded.at ?? '') <= mark.changedAt
    )
      return { application: recorded.application, result: 'pending' };
    return recorded;
  }

  /**
   * Notes a change of the service's serving set (or of its deployed revision): the results tallied
   * before it are forgotten and a probe is due at once. A leader seeing the service first dates the
   * set from the newest serving instance's entry into its state.
   */
  private observe(service: string, state: ServiceState): ServingMark {
    const instances = this.options.view.instancesOf(service, this.now());
    const signature = JSON.stringify([
      state.deployedRevision,
      servingApplications(state, instances) ?? [],
    ]);
    const before = this.marks.get(service);
    if (before?.signature === signature) return before;
    let changedAt = this.now();
    if (!before) {
      const since = instances
        .filter((i) => isServing(i, appOf(state, i.app)))
        .map((i) => Date.parse(i.since))
        .filter((t) => Number.isFinite(t));
      changedAt = Math.max(0, ...since);
    }
    const mark = { signature, changedAt };
    this.marks.set(service, mark);
    if (before) {
      const hadResult = this.tallies.get(service)?.current !== undefined;
      this.tallies.delete(service);
      this.due.delete(service);
      // The set changed under a result: health is assessed again (it goes by the log's until then).
      if (hadResult) this.options.changed(service);
    }
    return mark;
  }

  /** Starts the probes that are due; a service's probe never overlaps itself. */
  tick(): void {
    if (!this.options.isLeader()) {
      // A follower's memory would be stale by the time it leads: it starts from the log then.
      this.tallies.clear();
      this.marks.clear();
      this.due.clear();
      return;
    }
    const now = this.now();
    for (const [name, state] of this.options.view.services) {
      const probe = state.running ? declaredProbeOf(state) : undefined;
      if (!probe) {
        this.tallies.delete(name);
        this.marks.delete(name);
        this.due.delete(name);
        continue;
      }
      this.observe(name, state);
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
    const state = this.options.view.services.get(name);
    const mark = state ? this.observe(name, state) : undefined;
    if (mark && Date.parse(attempt.at) < mark.changedAt) {
      // Begun before the serving set changed: it probed a chain that is no more. Ask again now.
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
    const state = view.services.get(name);
    const app = state ? appOf(state, probe.application) : undefined;
    const serving = view
      .instancesOf(name, this.now())
      .filter((i) => i.app === probe.application && isServing(i, app));
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

function appOf(state: ServiceState, name: string) {
  return (state.deployed ?? state.model)?.applications.find((a) => a.name === name);
}
