import { rm } from 'node:fs/promises';
import type { AgentCommand, AgentCommandAccepted } from '@federa/contracts';
import type { DataTransfer } from '../infrastructure/data/data-transfer';
import { instanceDir, instanceSpecOf, type WorkloadDiscovery } from '../domain/instance-spec';
import type { ReportDraft } from '../domain/report-draft';
import { InstanceTable, type InstanceEntry } from '../instances/instance-table';
import type { LayerDriver, LayerKind } from '../layers/layer-driver';
import { backUpInstance } from './back-up-instance';
import { destroyInstance } from './destroy-instance';
import { exportData } from './export-data';
import { importData } from './import-data';
import { InstanceWorkQueue } from './instance-work-queue';
import { migrateIn } from './migrate-in';
import { migrateOut } from './migrate-out';
import { probeHttp } from './probe-http';
import { probeInstance } from './probe-instance';
import { resumeInstance } from './resume-instance';
import { startInstance } from './start-instance';
import { defaultStopGraceMs, stopInstance } from './stop-instance';
import type { Procedure, WorkContext } from './work-context';

export interface InstanceWorkOptions {
  table: InstanceTable;
  layers: ReadonlyMap<LayerKind, LayerDriver>;
  /** Instance `x` keeps its files under `<instancesDir>/x`. */
  instancesDir: string;
  /** The data bucket as known now (it comes with the bus connection). */
  data: () => DataTransfer | undefined;
  report: (draft: ReportDraft) => void;
  now: () => number;
  /** What the agent tells workloads about their service's endpoints (none: nothing). */
  discovery?: WorkloadDiscovery;
}

/** The work accepted commands do on instances: which procedure, on which entry, one at a time. */
export class InstanceWork {
  private readonly context: WorkContext;
  private readonly queue: InstanceWorkQueue;
  /**
   * Instances whose accepted start (or import, migrate-in) has not put them in the table yet: a stop
   * accepted meanwhile finds them here and queues behind that work, where a `not_found` would let
   * supervision record stopped an instance about to run.
   */
  private readonly arriving = new Map<string, InstanceEntry>();

  constructor(private readonly options: InstanceWorkOptions) {
    this.queue = new InstanceWorkQueue(options.report);
    this.context = {
      table: options.table,
      layerOf: (entry) => {
        const layer = options.layers.get(entry.layer);
        if (!layer) throw new Error(`this host offers no ${entry.layer} layer`);
        return layer;
      },
      specOf: (payload) => instanceSpecOf(payload, options.instancesDir, options.discovery),
      discardFiles: (instance) =>
        rm(instanceDir(options.instancesDir, instance), { recursive: true, force: true }),
      dataTransfer: () => {
        const data = options.data();
        if (!data) throw new Error('this agent has no data bucket');
        return data;
      },
      report: options.report,
      now: options.now,
    };
  }

  /** The entry an admitted command works on: the table's, or a new one for an arriving instance. */
  entryFor(command: AgentCommand): InstanceEntry {
    if ('spec' in command) {
      return (
        this.known(command.spec.instance) ??
        InstanceTable.entryOf({
          spec: this.context.specOf(command.spec),
          layer: command.spec.layer,
          state: 'stopped',
          handle: {},
        })
      );
    }
    const entry = this.known(command.instance);
    if (!entry) throw new Error(`no instance ${command.instance} on this host`);
    return entry;
  }

  /** The instance as the table holds it, or as an accepted command is about to bring it here. */
  known(instance: string): InstanceEntry | undefined {
    return this.options.table.get(instance) ?? this.arriving.get(instance);
  }

  /** What a probe command answers at once: the probe and the state the agent knows. */
  async probe(entry: InstanceEntry): Promise<NonNullable<AgentCommandAccepted['probe']>> {
    const probe = await probeInstance(this.context.layerOf(entry), entry.spec.instance);
    return { ...probe, state: entry.state };
  }

  /** What a probe-http command answers at once: how a GET on the instance went. */
  probeHttp(
    entry: InstanceEntry,
    command: Extract<AgentCommand, { type: 'probe-http' }>,
  ): ReturnType<typeof probeHttp> {
    const listening = this.options.layers.get(entry.layer)?.endpointOf?.(entry.handle)?.port;
    return probeHttp(entry, command.path, command.timeoutMs, listening);
  }

  /** Queues the command's procedure on its instance (a probe has none: its answer is the work). */
  begin(command: AgentCommand, entry: InstanceEntry): void {
    const procedure = this.procedureOf(command);
    if (!procedure) return;
    const instance = entry.spec.instance;
    if (this.options.table.get(instance) === entry)
      return this.queue.run(command, entry, procedure);
    this.arriving.set(instance, entry);
    this.queue.run(command, entry, async (queued) => {
      try {
        return await procedure(queued);
      } finally {
        if (this.arriving.get(instance) === entry) this.arriving.delete(instance);
      }
    });
  }

  /** Queues a copy of the instance's data to the bucket, as the agent's own work `backup`. */
  backUp(entry: InstanceEntry, at: number): void {
    const work = { commandId: `backup-${entry.spec.instance}-${at}`, type: 'backup' };
    this.queue.run(work, entry, (queued) => backUpInstance(this.context, queued, at));
  }

  /** Holds commands on `instance` until `until` settles (a stop begun at a restart). */
  hold(instance: string, until: Promise<unknown>): void {
    this.queue.hold(instance, until);
  }

  /** Waits for every procedure in flight. */
  settled(): Promise<void> {
    return this.queue.settled();
  }

  private procedureOf(command: AgentCommand): Procedure | undefined {
    const context = this.context;
    switch (command.type) {
      case 'start':
        return (entry) => startInstance(context, entry, command.spec);
      case 'stop':
        return (entry) => stopInstance(context, entry, command.graceMs ?? defaultStopGraceMs);
      case 'destroy':
        return (entry) => destroyInstance(context, entry);
      case 'export-data':
        return (entry) => exportData(context, entry, command.key);
      case 'import-data':
        return (entry) => importData(context, entry, command.spec, command.key);
      case 'migrate-in':
        return (entry) => migrateIn(context, entry, command.spec);
      case 'migrate-out':
        return (entry) => migrateOut(context, entry, command.target);
      case 'resume':
        return (entry) => resumeInstance(context, entry);
      case 'probe':
      case 'probe-http':
        return undefined;
    }
  }
}
