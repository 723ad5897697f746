import {
  discoveryKey,
  parseDiscoveryKey,
  ServiceEndpoints,
  streamCategory,
  validatePayload,
  type RecordedEvent,
} from '@federa/contracts';
import type { SupervisionView } from '../domain/supervision-view';
import { discoveryHosts, endpointsToWrite, servingApplications } from './domain/serving-endpoints';

/** Every this many ticks the whole view is compared with what the bucket held, changed or not. */
const safetyNetTicks = 20;

/**
 * Every this many ticks the bucket itself is read again: a value someone else wrote or removed
 * (an operator, a NATS server restored from an old store) is repaired without a reconnect.
 */
const rereadTicks = 240;

/** A key's value as stored (not yet validated) and the revision it was written at. */
export interface BucketEntry {
  value: unknown;
  revision: number;
}

/**
 * The discovery bucket as the publisher uses it: one key per host and service (`<host>.<service>`),
 * the value a ServiceEndpoints.
 * Writes are compare-and-set on the key's revision, so that a write decided on an old reading (a
 * deposed leader's, or this one's before someone else wrote) does not overwrite a newer value.
 */
export interface DiscoveryBucket {
  /** Every key the bucket holds now (deleted ones not), with its value and revision. */
  entries(): Promise<Map<string, BucketEntry>>;
  /**
   * Writes the value if the key is still at `revision` (0: absent or deleted); resolves to the new
   * revision, or undefined when another write came in between (nothing written).
   */
  put(key: string, value: ServiceEndpoints, revision: number): Promise<number | undefined>;
  /** Deletes the key if it is still at `revision`; false when another write came in between. */
  delete(key: string, revision: number): Promise<boolean>;
}

/** How long current() may answer a service's set from its last computation at one log position. */
const currentMemoMs = 1000;

export interface PublisherLog {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * Keeps the discovery bucket equal to the view (leader only): after each page the view applies, the
 * services it touched get their serving set recomputed and written, under the key of every host
 * that runs or is about to start one of their instances (discoveryHosts), when it differs from what
 * the key holds; a host's key goes when the service has no instance there any more. Each agent
 * watches its own host's keys only. Every tick compares them all. What the bucket holds is read once per leadership (and
 * again after a failed write or a reconnect), so that a new leader repairs what an old one left:
 * wrong sets are rewritten, keys of services without one deleted. A failed write is retried on the
 * next tick; agents keep serving the last good set meanwhile.
 */
export class EndpointsPublisher {
  /** What the bucket holds per key, as last read or written; undefined until read in this leadership. */
  private held: Map<string, ServiceEndpoints> | undefined;
  /** The revision of every key as last read or written (garbled values too), for compare-and-set. */
  private revisions = new Map<string, number>();
  /** The hosts each service has a key for (garbled values too), as last read or written. */
  private keyHosts = new Map<string, Set<string>>();
  private due: Set<string> | 'all' | undefined;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wasLeader = false;
  private failing = false;
  private stopped = false;
  private ticks = 0;
  private readonly currentMemo = new Map<
    string,
    { position: number; at: number; value: ServiceEndpoints | undefined }
  >();

  constructor(
    private readonly view: SupervisionView,
    private readonly bucket: DiscoveryBucket,
    private readonly isLeader: () => boolean,
    private readonly settings: { tickMs: number; partitionGraceMs: number },
    private readonly log: PublisherLog,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.settings.tickMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.flushing;
  }

  /** The services a page touched are compared with the bucket (a host's events touch them all). */
  applied(events: readonly RecordedEvent[]): void {
    const touched = new Set<string>();
    for (const event of events) {
      const category = streamCategory(event.streamId);
      if (category === 'host') return void this.schedule('all');
      const service = (event.data as { service?: unknown } | undefined)?.service;
      if ((category === 'instance' || category === 'service') && typeof service === 'string')
        touched.add(service);
    }
    if (touched.size > 0) void this.schedule(touched);
  }

  /** The connection to the bucket was lost and is back: read it again before trusting the cache. */
  reconnected(): void {
    this.held = undefined;
    void this.schedule('all');
  }

  /**
   * Compares every service when leadership was just gained or a write failed, and now and then as a
   * safety net; pages applied meanwhile compare the services they touch. Resolves once the passes
   * in progress are done.
   */
  tick(): Promise<void> {
    this.ticks++;
    if (!this.isLeader()) {
      // Another replica writes meanwhile: what this one read may be stale when it leads again.
      this.held = undefined;
      this.wasLeader = false;
      return Promise.resolve();
    }
    if (this.ticks % rereadTicks === 0) this.held = undefined;
    if (this.held && !this.failing && this.ticks % safetyNetTicks !== 0)
      return this.flushing ?? Promise.resolve();
    return this.schedule('all');
  }

  /**
   * The value a start on `host` should carry for the service: what the host's key holds when it says
   * the view's set, else the set as the view has it now (the key follows shortly).
   */
  current(service: string, host: string): ServiceEndpoints | undefined {
    // A burst of starts asks for the same service's set once per start: answered from the last
    // computation while the view has not moved and it is fresh (stranding also depends on the time).
    const now = this.now();
    const key = discoveryKey(host, service);
    const memo = this.currentMemo.get(key);
    if (memo && memo.position === this.view.position && now - memo.at < currentMemoMs)
      return memo.value;
    const value = this.computeCurrent(service, key);
    if (this.currentMemo.size > 1000) this.currentMemo.clear();
    this.currentMemo.set(key, { position: this.view.position, at: now, value });
    return value;
  }

  private computeCurrent(service: string, key: string): ServiceEndpoints | undefined {
    const applications = servingApplications(
      this.view.service(service),
      this.view.instancesOf(service, this.now(), this.settings.partitionGraceMs),
    );
    if (!applications) return undefined;
    const held = this.held?.get(key);
    const next = endpointsToWrite(service, applications, held, this.view.position, this.now());
    return next === undefined ? held : (next as ServiceEndpoints);
  }

  /** Resolves once everything due (this included) has been compared and written. */
  private schedule(due: Set<string> | 'all'): Promise<void> {
    const before = this.due;
    this.due = before === 'all' || due === 'all' ? 'all' : new Set([...(before ?? []), ...due]);
    this.flushing ??= this.flush().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.due && !this.stopped) {
      const due = this.due;
      this.due = undefined;
      if (!this.isLeader()) {
        this.held = undefined;
        this.wasLeader = false;
        continue;
      }
      if (!this.wasLeader) this.log.log('leading: repairing the discovery bucket from the view');
      this.wasLeader = true;
      try {
        await this.sync(due);
        if (this.failing) this.log.log('discovery bucket written again');
        this.failing = false;
      } catch (error) {
        if (!this.failing)
          this.log.warn(`writing the discovery bucket failed, retrying: ${String(error)}`);
        this.failing = true;
        this.held = undefined;
      }
    }
  }

  private async sync(due: Set<string> | 'all'): Promise<void> {
    const held = this.held ?? (await this.read());
    this.held = held;
    const names =
      due === 'all' ? new Set([...this.view.services.keys(), ...this.keyHosts.keys()]) : due;
    for (const service of names) {
      if (this.stopped || !this.isLeader()) return;
      const instances = this.view.instancesOf(service, this.now(), this.settings.partitionGraceMs);
      const applications = servingApplications(this.view.service(service), instances);
      const hosts = applications ? discoveryHosts(service, instances) : new Set<string>();
      for (const host of new Set([...hosts, ...(this.keyHosts.get(service) ?? [])])) {
        if (this.stopped || !this.isLeader()) return;
        const key = discoveryKey(host, service);
        const write = hosts.has(host)
          ? endpointsToWrite(service, applications, held.get(key), this.view.position, this.now())
          : this.revisions.has(key)
            ? 'delete'
            : undefined;
        if (write === undefined) continue;
        const revision = this.revisions.get(key) ?? 0;
        if (write === 'delete') {
          if (!(await this.bucket.delete(key, revision))) return this.conflicted(due);
          held.delete(key);
          this.forget(key, host, service);
        } else {
          const written = await this.bucket.put(key, write, revision);
          if (written === undefined) return this.conflicted(due);
          held.set(key, write);
          this.remember(key, host, service, written);
        }
      }
    }
  }

  private remember(key: string, host: string, service: string, revision: number): void {
    this.revisions.set(key, revision);
    const hosts = this.keyHosts.get(service) ?? new Set<string>();
    hosts.add(host);
    this.keyHosts.set(service, hosts);
  }

  private forget(key: string, host: string, service: string): void {
    this.revisions.delete(key);
    const hosts = this.keyHosts.get(service);
    hosts?.delete(host);
    if (hosts?.size === 0) this.keyHosts.delete(service);
  }

  /**
   * Someone wrote a key since it was read (another replica that leads or led, an operator): the
   * bucket is read again and the pass's services compared anew, versions above what is held now.
   */
  private conflicted(due: Set<string> | 'all'): void {
    this.log.warn('a discovery key changed since the bucket was read: reading it again');
    this.held = undefined;
    const before = this.due;
    this.due = before === 'all' || due === 'all' ? 'all' : new Set([...(before ?? []), ...due]);
  }

  /**
   * The bucket's keys; a value that is not a valid ServiceEndpoints counts as absent (rewritten). A
   * key without a host part is of the bucket's old layout (one key per service, which every agent
   * read): no agent watches it any more, and it is deleted.
   */
  private async read(): Promise<Map<string, ServiceEndpoints>> {
    const held = new Map<string, ServiceEndpoints>();
    this.revisions = new Map();
    this.keyHosts = new Map();
    for (const [key, entry] of await this.bucket.entries()) {
      const named = parseDiscoveryKey(key);
      if (!named) {
        await this.bucket.delete(key, entry.revision);
        continue;
      }
      const { host, service } = named;
      const value = validatePayload(ServiceEndpoints, entry.value);
      this.remember(key, host, service, entry.revision);
      if (value.ok && value.value.service === service) held.set(key, value.value);
      else if (!this.view.services.has(service) && (await this.bucket.delete(key, entry.revision)))
        this.forget(key, host, service);
    }
    return held;
  }
}
