import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AgentRefusalCodes,
  ErrorCodes,
  ValidationFailed,
  commandInstance,
  errorBody,
  replyOk,
  validateAgentCommand,
  type AgentCommand,
  type AgentCommandAccepted,
  type AgentReport,
  type CommandReply,
  type InstanceBeat,
  type InstanceSpecPayload,
  type RegisteredInstance,
  type Usage,
} from '@federa/contracts';
import type { DataTransfer } from './data/data-transfer';
import { CommandLedger } from './domain/command-ledger';
import { epochRefusal } from './domain/fencing';
import { nextHealth, type HealthState } from './domain/health-tracker';
import type { InstanceSpec, InstanceUsage, LayerDriver, LayerKind } from './layers/layer-driver';
import type { AgentStateStore, PersistedInstance } from './store/agent-state-store';

/** A report before the channel stamps it with host, epoch, run id, sequence and send time. */
export type ReportDraft = Omit<AgentReport, 'host' | 'epoch' | 'runId' | 'seq' | 'sentAt'>;

export interface HostAgentOptions {
  host: string;
  layers: ReadonlyMap<LayerKind, LayerDriver>;
  /** Instance `x` keeps its data in `<instancesDir>/x/data` (and the process layer its logs in `.../logs`). */
  instancesDir: string;
  store: AgentStateStore;
  /** Absent: export-data and import-data are refused as unavailable. */
  data?: DataTransfer;
  report: (draft: ReportDraft) => void;
  /** Probe interval of instances whose spec names none. */
  heartbeatMs: number;
  now?: () => number;
}

interface InstanceEntry extends PersistedInstance {
  health: HealthState;
  load: number | undefined;
  usage: InstanceUsage | undefined;
  /** A command is working on the instance: supervision leaves it alone meanwhile. */
  busy: boolean;
  nextProbeAt: number;
}

type Work = (entry: InstanceEntry) => Promise<Record<string, unknown> | void>;

/** States in which an instance is supposed to be running on its layer. */
const LIVE_STATES = new Set(['starting', 'running', 'healthy', 'unhealthy']);
const DEFAULT_GRACE_MS = 10_000;

/**
 * One host's agent logic, independent of the bus: the instance table, command execution with
 * idempotence (answered ids) and fencing (epoch), supervision of instances (state, health, load,
 * usage) and what heartbeats and reports say. Real agents and simulated hosts both wrap it.
 */
export class HostAgent {
  private epochValue: number | undefined;
  private readonly instances = new Map<string, InstanceEntry>();
  private ledger = new CommandLedger<CommandReply>();
  private readonly accepting = new Map<string, Promise<CommandReply>>();
  private readonly chains = new Map<string, Promise<void>>();
  private supervising = false;
  private data: DataTransfer | undefined;
  /** Grows whenever what a heartbeat says about instances changes (lets encoders cache). */
  beatsVersion = 0;
  private readonly now: () => number;

  constructor(private readonly options: HostAgentOptions) {
    this.now = options.now ?? Date.now;
    this.data = options.data;
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

  setEpoch(epoch: number): void {
    this.epochValue = epoch;
  }

  /**
   * Loads the instance table and the answered commands kept on disk, re-adopts the instances that
   * kept running while the agent was down and reports those that died meanwhile.
   */
  async restore(): Promise<void> {
    this.ledger = new CommandLedger(await this.options.store.loadAnswers());
    for (const saved of await this.options.store.loadInstances()) {
      const entry = this.entryOf(saved);
      this.instances.set(saved.spec.instance, entry);
      const layer = this.options.layers.get(saved.layer);
      const alive = layer ? await layer.adopt(saved.spec, saved.handle).catch(() => false) : false;
      if (!LIVE_STATES.has(saved.state)) continue;
      if (alive) {
        this.options.report({
          kind: 'instance',
          instance: saved.spec.instance,
          service: saved.spec.service,
          app: saved.spec.app,
          state: saved.state,
          detail: 'adopted after an agent restart',
        });
      } else {
        await this.setState(
          entry,
          'failed',
          layer ? 'ended while the agent was down' : `layer ${saved.layer} is gone`,
        );
      }
    }
    await this.saveInstances();
  }

  /** Answers a command at once; long work goes on and reports its progress and outcome. */
  async handleCommand(raw: unknown): Promise<CommandReply> {
    const parsed = validateAgentCommand(raw);
    if (!parsed.ok) {
      return refusal(
        ErrorCodes.validation,
        new ValidationFailed(parsed.errors, 'agent command').message,
        parsed.errors,
      );
    }
    const command = parsed.value;
    const answered = this.ledger.answerOf(command.commandId);
    if (answered) return answered;
    const running = this.accepting.get(command.commandId);
    if (running) return running;
    const fenced = epochRefusal(command.epoch, this.epochValue);
    if (fenced) {
      const code =
        this.epochValue === undefined
          ? AgentRefusalCodes.notRegistered
          : AgentRefusalCodes.staleEpoch;
      return refusal(code, fenced, [{ path: 'epoch', reason: fenced }]);
    }
    const accepting = this.accept(command);
    this.accepting.set(command.commandId, accepting);
    try {
      return await accepting;
    } finally {
      this.accepting.delete(command.commandId);
    }
  }

  /** Checks every live instance: exits, health (at its probe interval) and usage. Never overlaps itself. */
  async supervise(): Promise<void> {
    if (this.supervising || this.instances.size === 0) return;
    this.supervising = true;
    try {
      await Promise.all([...this.instances.values()].map((entry) => this.superviseOne(entry)));
    } finally {
      this.supervising = false;
    }
  }

  /** Every instance's state, load and usage, for the heartbeat. */
  instanceBeats(): InstanceBeat[] {
    return [...this.instances.values()].map((entry) => {
      const beat: InstanceBeat = { instance: entry.spec.instance, state: entry.state };
      if (entry.load !== undefined) beat.load = entry.load;
      if (entry.usage) beat.usage = entry.usage;
      return beat;
    });
  }

  /** The instances as registration announces them. */
  registeredInstances(): RegisteredInstance[] {
    return [...this.instances.values()].map((entry) => ({
      instance: entry.spec.instance,
      service: entry.spec.service,
      app: entry.spec.app,
      layer: entry.layer,
      state: entry.state,
    }));
  }

  /** The sum of the instances' usage (what simulated hosts report as the host's usage). */
  instancesUsage(): Usage {
    const total = { cpuMillis: 0, memoryBytes: 0, storageBytes: 0, networkBytes: 0 };
    for (const entry of this.instances.values()) {
      if (!entry.usage) continue;
      total.cpuMillis += entry.usage.cpuMillis;
      total.memoryBytes += entry.usage.memoryBytes;
      total.storageBytes += entry.usage.storageBytes;
      total.networkBytes += entry.usage.networkBytes;
    }
    return total;
  }

  /** The state of one instance as the agent knows it. */
  stateOf(instance: string): string | undefined {
    return this.instances.get(instance)?.state;
  }

  /** Waits for every command's work in flight (tests and orderly shutdown). */
  async settled(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  private async accept(command: AgentCommand): Promise<CommandReply> {
    const decision = await this.decide(command);
    if ('refusal' in decision) {
      this.ledger.record(command.commandId, decision.refusal);
      await this.saveAnswers();
      return decision.refusal;
    }
    const accepted: AgentCommandAccepted = {
      commandId: command.commandId,
      type: command.type,
      instance: commandInstance(command),
      accepted: true,
      ...(decision.probe ? { probe: decision.probe } : {}),
    };
    const reply = replyOk(accepted);
    // The answer is on disk before any work starts: a repeat after a crash cannot act twice.
    this.ledger.record(command.commandId, reply);
    await this.saveAnswers();
    if (decision.work) this.runWork(command, decision.entry, decision.work);
    return reply;
  }

  private async decide(
    command: AgentCommand,
  ): Promise<
    | { refusal: CommandReply }
    | { entry: InstanceEntry; work?: Work; probe?: AgentCommandAccepted['probe'] }
  > {
    if (
      command.type === 'start' ||
      command.type === 'import-data' ||
      command.type === 'migrate-in'
    ) {
      const layer = this.options.layers.get(command.spec.layer);
      if (!layer) {
        return refused(
          AgentRefusalCodes.layerUnavailable,
          `this host offers no ${command.spec.layer} layer`,
          'spec.layer',
        );
      }
      const artifactErrors = layer.validateArtifact?.(command.spec.artifact) ?? [];
      if (artifactErrors.length > 0) {
        const details = artifactErrors.map((e) => ({ path: `spec.${e.path}`, reason: e.reason }));
        return {
          refusal: refusal(
            ErrorCodes.validation,
            new ValidationFailed(details, 'artifact').message,
            details,
          ),
        };
      }
      const existing = this.instances.get(command.spec.instance);
      if (existing && existing.layer !== command.spec.layer) {
        return refused(
          ErrorCodes.conflict,
          `instance runs on layer ${existing.layer}`,
          'spec.layer',
        );
      }
      const entry =
        existing ??
        this.entryOf({
          spec: this.toSpec(command.spec),
          layer: command.spec.layer,
          state: 'stopped',
          handle: {},
        });
      if (command.type === 'start') {
        return { entry, work: (e) => this.startWork(e, command.spec) };
      }
      if (existing && LIVE_STATES.has(existing.state)) {
        return refused(
          ErrorCodes.conflict,
          `instance ${existing.spec.instance} is ${existing.state}: stop it first`,
          'spec.instance',
        );
      }
      if (command.type === 'import-data') {
        if (!this.data)
          return refused(ErrorCodes.unavailable, 'this agent has no data bucket', 'key');
        return { entry, work: (e) => this.importWork(e, command.spec, command.key) };
      }
      if (!layer.migrateIn) {
        return refused(
          AgentRefusalCodes.layerUnavailable,
          `layer ${command.spec.layer} cannot receive a live migration`,
          'spec.layer',
        );
      }
      return { entry, work: (e) => this.migrateInWork(e, layer, command.spec) };
    }
    const entry = this.instances.get(command.instance);
    if (!entry)
      return refused(
        ErrorCodes.notFound,
        `no instance ${command.instance} on this host`,
        'instance',
      );
    const layer = this.options.layers.get(entry.layer) as LayerDriver;
    switch (command.type) {
      case 'stop':
        return { entry, work: (e) => this.stopWork(e, command.graceMs ?? DEFAULT_GRACE_MS) };
      case 'destroy':
        return { entry, work: (e) => this.destroyWork(e) };
      case 'probe': {
        const probe = await layer
          .probe(entry.spec.instance)
          .catch((error: Error) => ({ healthy: false, detail: error.message, load: undefined }));
        return { entry, probe: { ...probe, state: entry.state } };
      }
      case 'export-data':
        if (!this.data)
          return refused(ErrorCodes.unavailable, 'this agent has no data bucket', 'key');
        return { entry, work: (e) => this.exportWork(e, command.key) };
      case 'migrate-out':
        if (!layer.migrateOut) {
          return refused(
            AgentRefusalCodes.layerUnavailable,
            `layer ${entry.layer} cannot live-migrate`,
            'instance',
          );
        }
        return { entry, work: (e) => this.migrateOutWork(e, layer, command.target) };
    }
  }

  /** Runs work after any earlier work on the same instance, and reports its outcome. */
  private runWork(command: AgentCommand, entry: InstanceEntry, work: Work): void {
    const instance = entry.spec.instance;
    const previous = this.chains.get(instance) ?? Promise.resolve();
    const next = previous.then(async () => {
      entry.busy = true;
      const base = {
        kind: 'instance' as const,
        instance,
        commandId: command.commandId,
        command: command.type,
      };
      try {
        const result = await work(entry);
        this.options.report({
          ...base,
          kind: 'command',
          status: 'succeeded',
          ...(result ? { result } : {}),
        });
      } catch (error) {
        this.options.report({
          ...base,
          kind: 'command',
          status: 'failed',
          error: { code: 'layer_error', message: (error as Error).message },
        });
      } finally {
        entry.busy = false;
      }
    });
    const tracked = next.finally(() => {
      if (this.chains.get(instance) === tracked) this.chains.delete(instance);
    });
    this.chains.set(instance, tracked);
  }

  private async startWork(
    entry: InstanceEntry,
    payload: InstanceSpecPayload,
  ): Promise<Record<string, unknown>> {
    const layer = this.layerOf(entry);
    const current = await layer.status(entry.spec.instance);
    if (current.state === 'running' && LIVE_STATES.has(entry.state))
      return { alreadyRunning: true };
    entry.spec = this.toSpec(payload);
    this.instances.set(entry.spec.instance, entry);
    entry.health = { healthy: undefined, consecutiveFailures: 0 };
    await this.setState(entry, 'starting');
    try {
      const status = await layer.start(entry.spec);
      entry.handle = status.handle;
      entry.nextProbeAt = this.now();
      await this.setState(entry, status.state === 'running' ? 'running' : 'starting');
    } catch (error) {
      await this.setState(entry, 'failed', (error as Error).message);
      throw error;
    }
    return {};
  }

  private async stopWork(entry: InstanceEntry, graceMs: number): Promise<void> {
    if (entry.state === 'stopped') return;
    await this.setState(entry, 'stopping');
    await this.layerOf(entry).stop(entry.spec.instance, { graceMs });
    entry.load = undefined;
    entry.usage = undefined;
    await this.setState(entry, 'stopped');
  }

  private async destroyWork(entry: InstanceEntry): Promise<void> {
    if (LIVE_STATES.has(entry.state)) await this.setState(entry, 'stopping');
    await this.layerOf(entry).destroy(entry.spec.instance);
    await rm(join(this.options.instancesDir, entry.spec.instance), {
      recursive: true,
      force: true,
    });
    this.instances.delete(entry.spec.instance);
    this.beatsVersion++;
    this.options.report({
      kind: 'instance',
      instance: entry.spec.instance,
      state: 'stopped',
      detail: 'destroyed',
    });
    await this.saveInstances();
  }

  private async exportWork(entry: InstanceEntry, key: string): Promise<Record<string, unknown>> {
    const data = this.data as DataTransfer;
    const source = await this.layerOf(entry).exportData(entry.spec.instance);
    const stored = await data.upload(key, source, (bytes) =>
      this.progress(entry, 'export-data', `${bytes} bytes stored`),
    );
    return { ...stored };
  }

  private async importWork(
    entry: InstanceEntry,
    payload: InstanceSpecPayload,
    key: string,
  ): Promise<Record<string, unknown>> {
    const data = this.data as DataTransfer;
    entry.spec = this.toSpec(payload);
    this.instances.set(entry.spec.instance, entry);
    await this.saveInstances();
    const download = await data.download(key, (bytes) =>
      this.progress(entry, 'import-data', `${bytes} bytes received`),
    );
    await this.layerOf(entry).importData(entry.spec, download.stream);
    await download.done();
    this.beatsVersion++;
    return { key };
  }

  private async migrateInWork(
    entry: InstanceEntry,
    layer: LayerDriver,
    payload: InstanceSpecPayload,
  ): Promise<Record<string, unknown>> {
    entry.spec = this.toSpec(payload);
    this.instances.set(entry.spec.instance, entry);
    await this.setState(entry, 'migrating');
    const { uri } = await (layer.migrateIn as NonNullable<LayerDriver['migrateIn']>)(entry.spec);
    return { uri };
  }

  private async migrateOutWork(
    entry: InstanceEntry,
    layer: LayerDriver,
    target: { host: string; uri: string },
  ): Promise<Record<string, unknown>> {
    const before = entry.state;
    await this.setState(entry, 'migrating');
    try {
      const result = await (layer.migrateOut as NonNullable<LayerDriver['migrateOut']>)(
        entry.spec.instance,
        target,
      );
      this.instances.delete(entry.spec.instance);
      this.beatsVersion++;
      this.options.report({
        kind: 'instance',
        instance: entry.spec.instance,
        state: 'stopped',
        detail: `migrated to ${target.host}`,
      });
      await this.saveInstances();
      return { ...result };
    } catch (error) {
      await this.setState(entry, before);
      throw error;
    }
  }

  private async superviseOne(entry: InstanceEntry): Promise<void> {
    if (entry.busy || !(LIVE_STATES.has(entry.state) || entry.state === 'migrating')) return;
    const layer = this.layerOf(entry);
    try {
      const status = await layer.status(entry.spec.instance);
      if (entry.busy) return;
      if (status.state === 'failed' || status.state === 'stopped') {
        if (entry.state !== 'migrating')
          await this.setState(entry, 'failed', status.detail ?? `layer says ${status.state}`);
        return;
      }
      if (
        status.state === 'running' &&
        (entry.state === 'starting' || entry.state === 'migrating')
      ) {
        entry.handle = status.handle;
        await this.setState(entry, 'running');
      }
      const now = this.now();
      if (now < entry.nextProbeAt) return;
      entry.nextProbeAt = now + (entry.spec.health?.intervalMs ?? this.options.heartbeatMs);
      const [probe, usage] = await Promise.all([
        layer
          .probe(entry.spec.instance)
          .catch((error: Error) => ({ healthy: false, detail: error.message, load: undefined })),
        layer.usage(entry.spec.instance).catch(() => undefined),
      ]);
      if (entry.busy || !LIVE_STATES.has(entry.state)) return;
      if (probe.load !== entry.load) this.beatsVersion++;
      entry.load = probe.load;
      entry.usage = usage;
      entry.health = nextHealth(
        entry.health,
        probe.healthy,
        entry.spec.health?.failureThreshold ?? 3,
      );
      if (entry.health.healthy === true && entry.state !== 'healthy')
        await this.setState(entry, 'healthy');
      if (entry.health.healthy === false && entry.state !== 'unhealthy')
        await this.setState(entry, 'unhealthy', probe.detail);
    } catch {
      // A failing status read is retried next round; only a layer's answer changes the state.
    }
  }

  private progress(entry: InstanceEntry, command: string, detail: string): void {
    this.options.report({
      kind: 'command',
      instance: entry.spec.instance,
      command,
      status: 'progress',
      detail,
    });
  }

  private async setState(entry: InstanceEntry, state: string, detail?: string): Promise<void> {
    if (entry.state === state && this.instances.get(entry.spec.instance) === entry) return;
    entry.state = state;
    this.instances.set(entry.spec.instance, entry);
    this.beatsVersion++;
    this.options.report({
      kind: 'instance',
      instance: entry.spec.instance,
      service: entry.spec.service,
      app: entry.spec.app,
      state,
      ...(detail ? { detail } : {}),
    });
    await this.saveInstances();
  }

  private layerOf(entry: InstanceEntry): LayerDriver {
    const layer = this.options.layers.get(entry.layer);
    if (!layer) throw new Error(`this host offers no ${entry.layer} layer`);
    return layer;
  }

  private toSpec(payload: InstanceSpecPayload): InstanceSpec {
    const spec: InstanceSpec = {
      instance: payload.instance,
      service: payload.service,
      app: payload.app,
      artifact: payload.artifact,
      resources: { ...payload.resources },
      dataDir: join(this.options.instancesDir, payload.instance, 'data'),
    };
    if (payload.health) spec.health = { ...payload.health } as InstanceSpec['health'];
    if (payload.env) spec.env = { ...payload.env };
    return spec;
  }

  private entryOf(saved: PersistedInstance): InstanceEntry {
    return {
      ...saved,
      health: { healthy: undefined, consecutiveFailures: 0 },
      load: undefined,
      usage: undefined,
      busy: false,
      nextProbeAt: 0,
    };
  }

  private saveInstances(): Promise<void> {
    return this.options.store.saveInstances(
      [...this.instances.values()].map(({ spec, layer, state, handle }) => ({
        spec,
        layer,
        state,
        handle,
      })),
    );
  }

  private saveAnswers(): Promise<void> {
    return this.options.store.saveAnswers(this.ledger.entries());
  }
}

function refusal(code: string, message: string, details: unknown[] = []): CommandReply {
  return { ok: false, ...errorBody(code, message, details) };
}

function refused(code: string, message: string, path: string): { refusal: CommandReply } {
  return { refusal: refusal(code, message, [{ path, reason: message }]) };
}
