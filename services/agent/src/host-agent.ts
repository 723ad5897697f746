import type {
  AgentCommand,
  CommandReply,
  InstanceBeat,
  InstanceEndpoint,
  RegisteredInstance,
  Usage,
} from '@federa/contracts';
import type { DataTransfer } from './infrastructure/data/data-transfer';
import {
  acceptedReply,
  admitCommand,
  parseAgentCommand,
  type AdmissionView,
} from './domain/command-admission';
import type { ReportDraft } from './domain/report-draft';
import type { WorkloadDiscovery } from './domain/instance-spec';
import { InstanceTable, type InstanceEntry } from './instances/instance-table';
import { InstanceWatch, type Schedule } from './instances/instance-watch';
import { isLive } from './domain/instance-states';
import { reconcileAfterRestart } from './instances/reconcile-after-restart';
import type { LayerDriver, LayerKind } from './layers/layer-driver';
import type { AgentStateStore } from './infrastructure/store/agent-state-store';
import { AnsweredCommands } from './infrastructure/store/answered-commands';
import { InstanceGenerations } from './infrastructure/store/instance-generations';
import { InstanceWork } from './work/instance-work';

export type { ReportDraft } from './domain/report-draft';

export interface HostAgentOptions {
  host: string;
  layers: ReadonlyMap<LayerKind, LayerDriver>;
  /** Instance `x` keeps its data in `<instancesDir>/x/data` (and the process layer its logs in `.../logs`). */
  instancesDir: string;
  store: AgentStateStore;
  /** Absent: export-data and import-data are refused as unavailable until `setDataTransfer`. */
  data?: DataTransfer;
  report: (draft: ReportDraft) => void;
  /** Probe interval of instances whose spec names none. */
  heartbeatMs: number;
  /** @default Date.now */
  now?: () => number;
  /** The timers of startup probes. @default setTimeout, unreferenced */
  schedule?: Schedule;
  /** The address other hosts reach this host's instances at (their endpoints'). @default '127.0.0.1' */
  address?: string;
  /** What workloads are told about their service's endpoints at start. */
  discovery?: WorkloadDiscovery;
  /** Told of trouble worth an operator's look (the instance table cannot be saved). */
  warn?: (message: string) => void;
}

/** Timers that never keep the process up on their own: the agent's connection and loops do. */
const realTimers: Schedule = (run, delayMs) => {
  const timer = setTimeout(run, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};

/** States in which an instance's data is copied: it runs, whatever its health. */
const copiable = new Set(['running', 'healthy', 'unhealthy']);

/**
 * One host's agent logic, independent of the bus: admits commands (validation, idempotence by
 * command id, epoch fencing), has accepted work done on instances, watches what runs and keeps the
 * instance table. Real agents and simulated hosts both wrap it.
 */
export class HostAgent {
  private epochValue: number | undefined;
  private registering = false;
  private data: DataTransfer | undefined;
  private readonly table: InstanceTable;
  private readonly answers: AnsweredCommands;
  private readonly generations: InstanceGenerations;
  /** When each instance's last data copy was queued (or first seen running), by instance. */
  private readonly lastBackup = new Map<string, number>();
  private readonly work: InstanceWork;
  private readonly watch: InstanceWatch;
  /** Commands between their admission and their stored answer: a repeat meanwhile waits for it. */
  private readonly answering = new Map<string, Promise<CommandReply>>();

  constructor(private readonly options: HostAgentOptions) {
    const now = options.now ?? Date.now;
    this.data = options.data;
    this.table = new InstanceTable(options.store, options.report, {
      endpointOf: (entry) => this.endpointOf(entry),
      warn: options.warn,
      schedule: options.schedule ?? realTimers,
    });
    this.answers = new AnsweredCommands(options.store);
    this.generations = new InstanceGenerations(options.store);
    this.work = new InstanceWork({
      table: this.table,
      layers: options.layers,
      instancesDir: options.instancesDir,
      data: () => this.data,
      report: (draft) => {
        options.report(draft);
        // A command's outcome is reported as it ends: a started instance is probed from here on.
        if (draft.kind === 'command' && draft.instance) this.watch.commandEnded(draft.instance);
      },
      now,
      discovery: options.discovery,
    });
    this.watch = new InstanceWatch(this.table, options.layers, {
      heartbeatMs: options.heartbeatMs,
      now,
      schedule: options.schedule ?? realTimers,
    });
  }

  /** Where export-data and import-data move data (known once the bus is connected). */
  setDataTransfer(data: DataTransfer): void {
    this.data = data;
  }

  get host(): string {
    return this.options.host;
  }

  get epoch(): number | undefined {
    return this.epochValue;
  }

  /** The epoch of a registration that succeeded; ends a registration begun with beginRegistration. */
  setEpoch(epoch: number): void {
    this.epochValue = epoch;
    this.registering = false;
  }

  /**
   * Inventory asked for a new registration: until setEpoch, starts are refused (`unavailable`,
   * retryable, not remembered) so that nothing new runs under the epoch being fenced. Stops and probes go on.
   */
  beginRegistration(): void {
    this.registering = true;
  }

  /** Whether a registration for a new epoch is under way. */
  get isRegistering(): boolean {
    return this.registering;
  }

  /**
   * Reports every live instance again, under the epoch just granted: after a return from down or
   * a stale epoch, what the agent said before belongs to the fenced epoch, and the control plane
   * must hear what runs here now to adopt or stop it.
   */
  announceAll(detail: string): void {
    for (const entry of this.table.all()) {
      if (isLive(entry.state)) this.table.announce(entry, detail);
    }
  }

  /** Grows whenever what a heartbeat says about instances changes (lets encoders cache). */
  get beatsVersion(): number {
    return this.table.version;
  }

  /**
   * Loads the instance table and the answered commands kept by the store, re-adopts the instances
   * that kept running while the agent was down and reports those that died meanwhile.
   */
  async restore(): Promise<void> {
    await this.answers.load();
    await this.generations.load();
    const stops = await reconcileAfterRestart(
      this.table,
      this.options.layers,
      this.options.instancesDir,
    );
    // Not awaited: the agent registers and heartbeats while they end; commands on their instances
    // wait for them (settled() too).
    for (const stop of stops) {
      const done = stop.done.catch((error: unknown) =>
        this.options.warn?.(
          `stopping the workload of ${stop.instance} (${stop.why}): ${(error as Error).message}`,
        ),
      );
      this.work.hold(stop.instance, done);
    }
  }

  /** Answers a command at once; long work goes on and reports its progress and outcome. */
  async handleCommand(raw: unknown): Promise<CommandReply> {
    const parsed = parseAgentCommand(raw);
    if (!parsed.ok) return parsed.refusal;
    const { command } = parsed;
    const pending = this.answering.get(command.commandId);
    if (pending) return pending;
    const admission = admitCommand(command, this.admissionView());
    if (admission.kind === 'answered' || admission.kind === 'fenced') return admission.reply;
    const answer =
      admission.kind === 'refused' ? this.remember(command, admission.reply) : this.accept(command);
    this.answering.set(command.commandId, answer);
    try {
      return await answer;
    } finally {
      this.answering.delete(command.commandId);
    }
  }

  /**
   * Checks every live instance: exits, health (at its probe interval) and usage. Never overlaps
   * itself. Queues the data copies that are due meanwhile (they run beside the round).
   */
  supervise(): Promise<void> {
    this.queueDueBackups();
    return this.watch.round();
  }

  /**
   * A running instance whose spec asks for copies gets one every `backupEveryMs`, the first one
   * period after this agent first saw it run. Never two at once for one instance: the next period
   * counts from when the last one was queued, and the work queue runs one procedure at a time.
   */
  private queueDueBackups(): void {
    if (!this.data) return;
    const now = (this.options.now ?? Date.now)();
    const seen = new Set<string>();
    for (const entry of this.table.all()) {
      const every = entry.spec.backupEveryMs;
      if (!every || entry.busy || !copiable.has(entry.state)) continue;
      const instance = entry.spec.instance;
      seen.add(instance);
      const last = this.lastBackup.get(instance);
      if (last === undefined) this.lastBackup.set(instance, now);
      else if (now - last >= every) {
        this.lastBackup.set(instance, now);
        this.work.backUp(entry, now);
      }
    }
    for (const instance of this.lastBackup.keys())
      if (!seen.has(instance)) this.lastBackup.delete(instance);
  }

  /** Every instance's state, load and usage, for the heartbeat. */
  instanceBeats(): InstanceBeat[] {
    return this.table.beats();
  }

  /** The instances as registration announces them. */
  registeredInstances(): RegisteredInstance[] {
    return this.table.registered();
  }

  /** The sum of the instances' usage (what simulated hosts report as the host's usage). */
  instancesUsage(): Usage {
    return this.table.usage();
  }

  /** Every instance in the table and the layer it runs on, whatever its state. */
  instances(): { instance: string; layer: LayerKind }[] {
    return this.table.all().map((entry) => ({ instance: entry.spec.instance, layer: entry.layer }));
  }

  /** The state of one instance as the agent knows it. */
  stateOf(instance: string): string | undefined {
    return this.table.get(instance)?.state;
  }

  /** Cancels the watch's timers; instances keep running and commands in flight finish. */
  stop(): void {
    this.watch.stop();
    this.table.close();
  }

  /** Waits for every command's work in flight (tests and orderly shutdown). */
  settled(): Promise<void> {
    return this.work.settled();
  }

  /** Where an instance listens: its layer's port (and guest address) on this host's address. */
  private endpointOf(entry: InstanceEntry): InstanceEndpoint | undefined {
    const listening = this.options.layers.get(entry.layer)?.endpointOf?.(entry.handle);
    if (!listening) return undefined;
    return { address: this.options.address ?? '127.0.0.1', ...listening };
  }

  /** The host as admission sees it now. */
  private admissionView(): AdmissionView {
    const { layers } = this.options;
    return {
      epoch: this.epochValue,
      registering: this.registering,
      movesData: this.data !== undefined,
      answerOf: (commandId) => this.answers.answerOf(commandId),
      instance: (instance) => this.work.known(instance),
      generationOf: (instance) => this.generations.of(instance),
      layer: (kind) => {
        const layer = layers.get(kind);
        if (!layer) return undefined;
        return {
          artifactErrors: (artifact) => layer.validateArtifact?.(artifact) ?? [],
          migratesIn: layer.migrateIn !== undefined,
          migratesOut: layer.migrateOut !== undefined,
        };
      },
    };
  }

  private async remember(command: AgentCommand, reply: CommandReply): Promise<CommandReply> {
    if (!readOnly(command)) await this.answers.record(command.commandId, reply);
    return reply;
  }

  private async accept(command: AgentCommand): Promise<CommandReply> {
    const entry = this.work.entryFor(command);
    const reply = acceptedReply(
      command,
      command.type === 'probe'
        ? await this.work.probe(entry)
        : command.type === 'probe-http'
          ? await this.work.probeHttp(entry, command)
          : undefined,
    );
    if (readOnly(command)) return reply;
    // Kept before the answer: an accepted start is never forgotten as the newest generation.
    if ('spec' in command && command.spec.generation !== undefined) {
      await this.generations.record(command.spec.instance, command.spec.generation);
    }
    // The answer is stored before any work starts: a repeat after a crash cannot act twice.
    await this.answers.record(command.commandId, reply);
    this.work.begin(command, entry);
    return reply;
  }
}

/**
 * A probe only reads: asked again, it is answered afresh, so its answer is not kept in the ledger
 * (the service probe asks every few seconds, and would fill it and the state store's writes).
 */
function readOnly(command: AgentCommand): boolean {
  return command.type === 'probe' || command.type === 'probe-http';
}
