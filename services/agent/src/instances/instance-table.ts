import type { InstanceBeat, InstanceEndpoint, RegisteredInstance, Usage } from '@federa/contracts';
import { backoffDelay, type BackoffPolicy } from '../domain/backoff';
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

/** Retries of a table that could not be saved: @default baseMs 200, maxMs 30000 */
export const saveRetryBackoff: BackoffPolicy = { baseMs: 200, maxMs: 30_000 };

export interface InstanceTableOptions {
  /** Where a live instance listens (none: it does not, or its layer cannot tell). */
  endpointOf?: (entry: InstanceEntry) => InstanceEndpoint | undefined;
  /** Told once per streak of failed saves, with the file and the error. @default nothing */
  warn?: (message: string) => void;
  /** Runs `run` after `delayMs` (the save retries); answers its cancel. @default an unref'd setTimeout */
  schedule?: (run: () => void, delayMs: number) => () => void;
}

/** A save asked for and the writes it waits on. */
interface SaveWaiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

const unrefTimer = (run: () => void, delayMs: number): (() => void) => {
  const timer = setTimeout(run, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * What runs on this host. Every state change goes through here, so that each one is persisted and
 * reported (the table on disk is what a restarted agent re-adopts).
 *
 * A change that claims a process runs (a live state the disk does not hold yet with this handle:
 * `starting`, `running` with its pid, an adoption) is saved first and said after: written to disk
 * before the table takes it in and before any report, heartbeat or registration shows it. An agent
 * killed between a report of `running` and the save would restart without the workload's pid,
 * report it failed and let the control plane start a replacement while it still runs. A save of
 * such a change that fails changes nothing and throws.
 *
 * Any other change (towards not running: `stopping`, `stopped`, `failed`, a removal; or a health
 * change of a pid already on disk) is taken in and reported even when its save fails: a full disk
 * must not keep the agent from stopping workloads or saying one died. A stale table on disk that
 * still says `running` is safe: a restart finds the pid dead and reports the instance failed. The
 * save is then retried with backoff until one succeeds.
 *
 * Writes are one at a time, each computed as it begins from the entries and the changes still
 * being saved; a claim whose write failed is dropped before the next write is computed, so it can
 * never reach disk through another instance's later save.
 */
export class InstanceTable {
  private readonly entries = new Map<string, InstanceEntry>();
  /** Changes being saved, by instance: the table on disk has them before the entries do. */
  private readonly pending = new Map<string, PendingChange>();
  /** Claims being saved: dropped from `pending` as soon as their write fails. */
  private readonly claims = new Set<PendingChange>();
  /** The rows last written, by instance (what a restart would load). */
  private committed = new Map<string, PersistedInstance>();
  /** Saves asked for since the write under way began. */
  private waiters: SaveWaiter[] = [];
  private writing = false;
  private failures = 0;
  private cancelRetry: (() => void) | undefined;
  private closed = false;
  private readonly endpointOf: (entry: InstanceEntry) => InstanceEndpoint | undefined;
  private readonly options: InstanceTableOptions;
  /** Grows whenever what a heartbeat says about instances changes (lets encoders cache). */
  version = 0;

  constructor(
    private readonly store: AgentStateStore,
    private readonly report: (draft: ReportDraft) => void,
    options: InstanceTableOptions | ((entry: InstanceEntry) => InstanceEndpoint | undefined) = {},
  ) {
    this.options = typeof options === 'function' ? { endpointOf: options } : options;
    this.endpointOf = this.options.endpointOf ?? (() => undefined);
  }

  get size(): number {
    return this.entries.size;
  }

  get(instance: string): InstanceEntry | undefined {
    return this.entries.get(instance);
  }

  all(): InstanceEntry[] {
    return [...this.entries.values()];
  }

  /** Whether the table on disk is behind memory (its last save failed; a retry is planned). */
  get unsaved(): boolean {
    return this.failures > 0;
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
    this.committed = new Map();
    for (const saved of await this.store.loadInstances()) {
      this.entries.set(saved.spec.instance, InstanceTable.entryOf(saved));
      this.committed.set(saved.spec.instance, saved);
    }
    this.version++;
    return this.all();
  }

  /**
   * Moves the instance to `state` and reports it (no-op if nothing changes, a change still being
   * saved included). A claim that it runs is saved first, and a failed save of it changes and reports
   * nothing and throws; any other change is taken in whether or not its save succeeds.
   */
  async setState(entry: InstanceEntry, state: string, detail?: string): Promise<void> {
    const instance = entry.spec.instance;
    const change = this.pending.get(instance);
    const current = change && !('leaves' in change) ? change.state : entry.state;
    if (current === state && this.entries.get(instance) === entry) return;
    await this.saveWith({ entry, state }, () => {
      entry.state = state;
      this.entries.set(instance, entry);
      this.version++;
      this.announce(entry, detail);
    });
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
    await this.saveWith({ entry, state: entry.state }, () => {
      this.entries.set(entry.spec.instance, entry);
      this.version++;
    });
  }

  /**
   * Forgets an instance that left this host (destroyed, migrated away) and reports it stopped; the
   * table is saved without it (retried if that fails: it no longer runs here either way).
   */
  async remove(entry: InstanceEntry, detail: string): Promise<void> {
    await this.saveWith({ entry, leaves: true }, () => {
      this.entries.delete(entry.spec.instance);
      this.version++;
      this.report({ kind: 'instance', instance: entry.spec.instance, state: 'stopped', detail });
    });
  }

  /** What a heartbeat says about instances changed without a state change (load, imported data). */
  touch(): void {
    this.version++;
  }

  /**
   * Persists the table as it is, with the changes being saved (a handle learned without a state
   * change). Throws when the write fails; a retry is planned meanwhile.
   */
  save(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  /** Plans no more save retries (the agent stops). */
  close(): void {
    this.closed = true;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
  }

  /**
   * Saves the table with `change` in it, and takes it in with `apply` (in the same step as it leaves
   * the pending changes, so that no write is ever computed without it). A claim whose save failed is
   * not taken in; any other change is.
   */
  private async saveWith(change: PendingChange, apply: () => void): Promise<void> {
    const instance = change.entry.spec.instance;
    const claim = this.claimsRunning(change);
    this.pending.set(instance, change);
    if (claim) this.claims.add(change);
    let failure: { error: unknown } | undefined;
    try {
      await this.save();
    } catch (error) {
      failure = { error };
    }
    this.claims.delete(change);
    const current = this.pending.get(instance) === change;
    if (current) this.pending.delete(instance);
    if (failure && claim) throw failure.error;
    if (current || !failure) apply();
  }

  /** Whether `change` says a process runs that the table on disk does not know to run yet. */
  private claimsRunning(change: PendingChange): boolean {
    if ('leaves' in change || !isLive(change.state)) return false;
    const row = this.committed.get(change.entry.spec.instance);
    return !row || !isLive(row.state) || !sameHandle(row.handle, change.entry.handle);
  }

  /** Writes one table at a time, each computed as it begins, until no save is asked for. */
  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      const claims = [...this.claims];
      const rows = this.rows();
      try {
        await this.store.saveInstances([...rows.values()]);
        this.committed = rows;
        this.recovered();
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        // Dropped now, before the next write is computed: a claim that failed must not reach disk.
        for (const claim of claims) {
          const instance = claim.entry.spec.instance;
          if (this.pending.get(instance) === claim) this.pending.delete(instance);
          this.claims.delete(claim);
        }
        this.failed(error);
        for (const waiter of waiters) waiter.reject(error);
      }
    }
    this.writing = false;
  }

  /** The table as it should be on disk: the entries, with the changes being saved. */
  private rows(): Map<string, PersistedInstance> {
    const rows = new Map<string, PersistedInstance>();
    for (const { spec, layer, state, handle } of this.entries.values())
      rows.set(spec.instance, { spec, layer, state, handle });
    for (const [instance, change] of this.pending) {
      if ('leaves' in change) rows.delete(instance);
      else {
        const { spec, layer, handle } = change.entry;
        rows.set(instance, { spec, layer, state: change.state, handle: { ...handle } });
      }
    }
    return rows;
  }

  private failed(error: unknown): void {
    if (this.failures === 0) {
      const where = this.store.instancesPath ?? 'the instance table';
      this.options.warn?.(
        `cannot save ${where} (${(error as Error).message ?? String(error)}); ` +
          'stops and failures are still reported, starts are refused until a save succeeds',
      );
    }
    this.failures++;
    this.planRetry();
  }

  private recovered(): void {
    if (this.failures > 0)
      this.options.warn?.(`saved ${this.store.instancesPath ?? 'the instance table'} again`);
    this.failures = 0;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
  }

  private planRetry(): void {
    if (this.closed || this.cancelRetry) return;
    const schedule = this.options.schedule ?? unrefTimer;
    this.cancelRetry = schedule(
      () => {
        this.cancelRetry = undefined;
        if (this.failures > 0) this.save().catch(() => undefined);
      },
      backoffDelay(this.failures - 1, saveRetryBackoff),
    );
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

/** Whether two handles name the same workload (same keys and values, in any order). */
function sameHandle(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => JSON.stringify(a[key]) === JSON.stringify(b[key]))
  );
}
