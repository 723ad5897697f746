import type { InstanceBeat, InstanceEndpoint, RegisteredInstance, Usage } from '@federa/contracts';
import { isLive } from '../domain/instance-states';
import type { HealthState } from '../domain/health-tracker';
import type { ReportDraft } from '../domain/report-draft';
import type { InstanceUsage } from '../layers/layer-driver';
import type { AgentStateStore, PersistedInstance } from '../infrastructure/store/agent-state-store';

/** One instance as the agent tracks it: what is persisted, plus what it learns while watching. */
export interface InstanceEntry extends PersistedInstance {
  health: HealthState;
  load: number | undefined;
  usage: InstanceUsage | undefined;
  /** A command is working on the instance: the watch leaves it alone meanwhile. */
  busy: boolean;
  nextProbeAt: number;
}

/** A change on its way to disk: an instance's next state, or its leaving the table. */
type PendingChange =
  { entry: InstanceEntry; state: string } | { entry: InstanceEntry; leaves: true };

/**
 * What runs on this host. Every state change goes through here, so that each one is persisted and
 * reported (the table on disk is what a restarted agent re-adopts).
 *
 * Saved first, said after: a change is written to disk (pid included) before the table takes it in,
 * and only then reported and shown in heartbeats and registrations. An agent killed between a report
 * of `running` and the save would restart without the workload's pid, report it failed and let the
 * control plane start a replacement while it still runs: the instance twice.
 */
export class InstanceTable {
  private readonly entries = new Map<string, InstanceEntry>();
  /** Changes being saved, by instance: the table on disk has them before the entries do. */
  private readonly pending = new Map<string, PendingChange>();
  /** Grows whenever what a heartbeat says about instances changes (lets encoders cache). */
  version = 0;

  constructor(
    private readonly store: AgentStateStore,
    private readonly report: (draft: ReportDraft) => void,
    /** Where a live instance listens (none: it does not, or its layer cannot tell). */
    private readonly endpointOf: (entry: InstanceEntry) => InstanceEndpoint | undefined = () =>
      undefined,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(instance: string): InstanceEntry | undefined {
    return this.entries.get(instance);
  }

  all(): InstanceEntry[] {
    return [...this.entries.values()];
  }

  /** An entry not yet in the table: it joins at its first state change (or `put`). */
  static entryOf(saved: PersistedInstance): InstanceEntry {
    return {
      ...saved,
      health: { healthy: undefined, consecutiveFailures: 0 },
      load: undefined,
      usage: undefined,
      busy: false,
      nextProbeAt: 0,
    };
  }

  /** Replaces the table with the one persisted, and answers its entries. */
  async load(): Promise<InstanceEntry[]> {
    this.entries.clear();
    for (const saved of await this.store.loadInstances()) {
      this.entries.set(saved.spec.instance, InstanceTable.entryOf(saved));
    }
    this.version++;
    return this.all();
  }

  /**
   * Persists the table with the instance in `state`, then moves it there and reports it (no-op if
   * nothing changes). A save that fails changes and reports nothing.
   */
  async setState(entry: InstanceEntry, state: string, detail?: string): Promise<void> {
    if (entry.state === state && this.entries.get(entry.spec.instance) === entry) return;
    await this.saveWith({ entry, state });
    entry.state = state;
    this.entries.set(entry.spec.instance, entry);
    this.version++;
    this.announce(entry, detail);
  }

  /** Reports an instance's current state again, with why (an adoption after a restart). */
  announce(entry: InstanceEntry, detail?: string): void {
    this.report({
      kind: 'instance',
      instance: entry.spec.instance,
      service: entry.spec.service,
      app: entry.spec.app,
      state: entry.state,
      ...this.endpointField(entry),
      ...(detail ? { detail } : {}),
    });
  }

  /** `{ endpoint }` for a live instance that listens; what reports and heartbeats carry. */
  private endpointField(entry: InstanceEntry): { endpoint?: InstanceEndpoint } {
    if (!isLive(entry.state) || entry.state === 'starting') return {};
    const endpoint = this.endpointOf(entry);
    return endpoint ? { endpoint } : {};
  }

  /** Persists the table with an entry added or replaced without changing its state, then holds it. */
  async put(entry: InstanceEntry): Promise<void> {
    await this.saveWith({ entry, state: entry.state });
    this.entries.set(entry.spec.instance, entry);
    this.version++;
  }

  /**
   * Forgets an instance that left this host (destroyed, migrated away): persisted without it, then
   * reported stopped.
   */
  async remove(entry: InstanceEntry, detail: string): Promise<void> {
    await this.saveWith({ entry, leaves: true });
    this.entries.delete(entry.spec.instance);
    this.version++;
    this.report({ kind: 'instance', instance: entry.spec.instance, state: 'stopped', detail });
  }

  /** What a heartbeat says about instances changed without a state change (load, imported data). */
  touch(): void {
    this.version++;
  }

  /** Persists the table as it is, with the changes being saved. */
  save(): Promise<void> {
    const rows = new Map<string, PersistedInstance>();
    for (const { spec, layer, state, handle } of this.entries.values())
      rows.set(spec.instance, { spec, layer, state, handle });
    for (const [instance, change] of this.pending) {
      if ('leaves' in change) rows.delete(instance);
      else {
        const { spec, layer, handle } = change.entry;
        rows.set(instance, { spec, layer, state: change.state, handle });
      }
    }
    return this.store.saveInstances([...rows.values()]);
  }

  /**
   * Saves the table with `change` in it. Every save writes the whole table, so a change saved
   * beside another one still being saved keeps that one too (the last write holds both).
   */
  private async saveWith(change: PendingChange): Promise<void> {
    const instance = change.entry.spec.instance;
    this.pending.set(instance, change);
    try {
      await this.save();
    } finally {
      if (this.pending.get(instance) === change) this.pending.delete(instance);
    }
  }

  /** Every instance's state, load and usage, for the heartbeat. */
  beats(): InstanceBeat[] {
    return this.all().map((entry) => {
      const beat: InstanceBeat = {
        instance: entry.spec.instance,
        state: entry.state,
        ...this.endpointField(entry),
      };
      if (entry.load !== undefined) beat.load = entry.load;
      if (entry.usage) beat.usage = entry.usage;
      return beat;
    });
  }

  /** The instances as registration announces them. */
  registered(): RegisteredInstance[] {
    return this.all().map((entry) => ({
      instance: entry.spec.instance,
      service: entry.spec.service,
      app: entry.spec.app,
      layer: entry.layer,
      state: entry.state,
    }));
  }

  /** The sum of the instances' usage (what simulated hosts report as the host's usage). */
  usage(): Usage {
    const total = {
      cpuMillis: 0,
      memoryBytes: 0,
      storageBytes: 0,
      networkBytes: 0,
      networkInBytes: 0,
      networkOutBytes: 0,
    };
    for (const entry of this.entries.values()) {
      if (!entry.usage) continue;
      total.cpuMillis += entry.usage.cpuMillis;
      total.memoryBytes += entry.usage.memoryBytes;
      total.storageBytes += entry.usage.storageBytes;
      total.networkBytes += entry.usage.networkBytes;
      total.networkInBytes += entry.usage.networkInBytes ?? entry.usage.networkBytes / 2;
      total.networkOutBytes += entry.usage.networkOutBytes ?? entry.usage.networkBytes / 2;
    }
    return total;
  }
}
