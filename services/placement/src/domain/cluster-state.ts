import type { Allocation } from './allocation';
import { hostClassKey, type HostAttributes, type HostEntry, type HostState } from './host-entry';
import { appKey } from './placement-request';
import { addResources, noResources, type Resources } from './resources';

/**
 * The inventory and the allocations, with counters kept per host, site, service and application so
 * that every constraint check is a few map look-ups, whatever the number of instances.
 */
export class ClusterState {
  readonly hosts: HostEntry[] = [];
  private readonly hostById = new Map<string, HostEntry>();
  private readonly allocations = new Map<string, Allocation>();
  /**
   * Key (the migration's id) → the room held on a migration's target while it moves (the instance's
   * claim stays on the source). Keyed by migration, not instance: a second migration recorded for the
   * same instance (two starts racing) must not give back, when it fails, the room the first holds.
   */
  private readonly reservations = new Map<string, Allocation>();
  /** Instance → the keys of the reservations held for it. */
  private readonly reservationKeys = new Map<string, Set<string>>();
  /** Host slot → app key → instances of that application on the host (by slot: one look-up less per visit). */
  private readonly appsOnHost: Map<string, number>[] = [];
  /** Host slot → app key → how many instances on the host exclude that application. */
  private readonly exclusionsOnHost: Map<string, number>[] = [];
  /** site → app key → instances of that application on the site. */
  private readonly appsOnSite = new Map<string, Map<string, number>>();
  private readonly costOfService = new Map<string, number>();
  private readonly instancesOfApp = new Map<string, number>();
  private readonly classIds = new Map<string, number>();

  /** Adds a host, or replaces its attributes when it registers again (its allocations stay). */
  registerHost(attributes: HostAttributes, state: HostState = 'ready'): HostEntry {
    const existing = this.hostById.get(attributes.id);
    if (existing) {
      Object.assign(existing, attributes, {
        layers: [...attributes.layers],
        capacity: { ...attributes.capacity },
      });
      existing.state = state;
      this.classify(existing);
      return existing;
    }
    const entry: HostEntry = {
      ...attributes,
      layers: [...attributes.layers],
      capacity: { ...attributes.capacity },
      state,
      cordoned: false,
      epoch: 1,
      allocated: noResources(),
      allocationVersion: undefined,
      classKey: '',
      classId: 0,
      slot: this.hosts.length,
    };
    this.classify(entry);
    this.hosts.push(entry);
    this.appsOnHost.push(new Map());
    this.exclusionsOnHost.push(new Map());
    this.hostById.set(entry.id, entry);
    return entry;
  }

  /** How many host classes have been seen; every classId is below it. */
  get classCount(): number {
    return this.classIds.size;
  }

  host(id: string): HostEntry | undefined {
    return this.hostById.get(id);
  }

  /** Changes a host's capacity; allocations stay even when they no longer fit (no new ones will). */
  setCapacity(id: string, capacity: Resources): void {
    const host = this.hostById.get(id);
    if (host) host.capacity = { ...capacity };
  }

  setState(id: string, state: HostState): void {
    const host = this.hostById.get(id);
    if (!host) return;
    host.state = state;
    this.classify(host);
  }

  setCordoned(id: string, cordoned: boolean): void {
    const host = this.hostById.get(id);
    if (!host) return;
    host.cordoned = cordoned;
    this.classify(host);
  }

  setEpoch(id: string, epoch: number): void {
    const host = this.hostById.get(id);
    if (host) host.epoch = epoch;
  }

  /** Records that `allocation-<host>` has been seen up to `version`. */
  setAllocationVersion(id: string, version: number | undefined): void {
    const host = this.hostById.get(id);
    if (host) host.allocationVersion = version;
  }

  allocation(instance: string): Allocation | undefined {
    return this.allocations.get(instance);
  }

  get allocationCount(): number {
    return this.allocations.size;
  }

  /** Every allocation on one host (a scan: for explanations and tests, not the hot path). */
  allocationsOn(host: string): Allocation[] {
    return [...this.allocations.values()].filter((a) => a.host === host);
  }

  /** Every allocation, in the order they were made (a copy: callers may move claims while reading). */
  everyAllocation(): Allocation[] {
    return [...this.allocations.values()];
  }

  /** Every allocation of one service (a scan: for dry runs, not the hot path). */
  allocationsOfService(service: string): Allocation[] {
    return [...this.allocations.values()].filter((a) => a.service === service);
  }

  /** Adds an allocation; an instance already allocated elsewhere is moved (its old claim released). */
  allocate(allocation: Allocation): void {
    this.release(allocation.instance);
    const host = this.hostById.get(allocation.host);
    if (!host)
      throw new Error(`cannot allocate ${allocation.instance} on unknown host ${allocation.host}`);
    this.allocations.set(allocation.instance, allocation);
    this.count(allocation, host, 1);
  }

  /** Frees an instance's claim; a no-op for an instance with none. */
  release(instance: string): Allocation | undefined {
    const allocation = this.allocations.get(instance);
    if (!allocation) return undefined;
    this.allocations.delete(instance);
    const host = this.hostById.get(allocation.host);
    if (host) this.count(allocation, host, -1);
    return allocation;
  }

  /** The room held for a moving instance on its migration's target, if any (the first, if several). */
  reservation(instance: string): Allocation | undefined {
    const keys = this.reservationKeys.get(instance);
    const first = keys?.values().next().value;
    return first === undefined ? undefined : this.reservations.get(first);
  }

  /** The room held under one key (a migration's id), if any. */
  reservationBy(key: string): Allocation | undefined {
    return this.reservations.get(key);
  }

  /** The keys of every reservation held for an instance. */
  reservationKeysOf(instance: string): string[] {
    return [...(this.reservationKeys.get(instance) ?? [])];
  }

  /** Every reservation held on one host (a scan: for explanations and tests). */
  reservationsOn(host: string): Allocation[] {
    return [...this.reservations.values()].filter((a) => a.host === host);
  }

  /**
   * Holds room on a migration's target: the host counts the instance as if it ran there (resources,
   * its application and exclusions), so no other placement takes that room while the move runs. The
   * instance's claim, its application's count and its cost stay with the source until it moves.
   * `key`: what the hold is given back by (the migration's id); the instance when omitted.
   */
  reserve(reservation: Allocation, key: string = reservation.instance): void {
    this.unreserve(key);
    const host = this.hostById.get(reservation.host);
    if (!host) return;
    this.reservations.set(key, reservation);
    const keys = this.reservationKeys.get(reservation.instance) ?? new Set<string>();
    keys.add(key);
    this.reservationKeys.set(reservation.instance, keys);
    this.countOnHost(reservation, host, 1);
  }

  /** Gives back the room held under `key` (see reserve); a no-op when none is held. */
  unreserve(key: string): Allocation | undefined {
    const reservation = this.reservations.get(key);
    if (!reservation) return undefined;
    this.reservations.delete(key);
    const keys = this.reservationKeys.get(reservation.instance);
    keys?.delete(key);
    if (keys?.size === 0) this.reservationKeys.delete(reservation.instance);
    const host = this.hostById.get(reservation.host);
    if (host) this.countOnHost(reservation, host, -1);
    return reservation;
  }

  appCountOnHost(host: string, key: string): number {
    const entry = this.hostById.get(host);
    return entry ? this.appCountOn(entry, key) : 0;
  }

  exclusionsOf(host: string, key: string): number {
    const entry = this.hostById.get(host);
    return entry ? this.exclusionsOn(entry, key) : 0;
  }

  /** appCountOnHost for a host already in hand (filters and scorers, for every host they visit). */
  appCountOn(host: HostEntry, key: string): number {
    return this.appsOnHost[host.slot].get(key) ?? 0;
  }

  /** exclusionsOf for a host already in hand. */
  exclusionsOn(host: HostEntry, key: string): number {
    return this.exclusionsOnHost[host.slot].get(key) ?? 0;
  }

  appCountOnSite(site: string, key: string): number {
    return this.appsOnSite.get(site)?.get(key) ?? 0;
  }

  serviceCostPerHour(service: string): number {
    return this.costOfService.get(service) ?? 0;
  }

  instancesOf(key: string): number {
    return this.instancesOfApp.get(key) ?? 0;
  }

  private classify(host: HostEntry): void {
    host.classKey = hostClassKey(host);
    let id = this.classIds.get(host.classKey);
    if (id === undefined) {
      id = this.classIds.size;
      this.classIds.set(host.classKey, id);
    }
    host.classId = id;
  }

  private count(allocation: Allocation, host: HostEntry, sign: 1 | -1): void {
    const key = appKey(allocation.service, allocation.app);
    this.countOnHost(allocation, host, sign);
    bump(this.costOfService, allocation.service, sign * allocation.costPerHour);
    bump(this.instancesOfApp, key, sign);
  }

  /** What a claim or a reservation takes on its host and site. */
  private countOnHost(allocation: Allocation, host: HostEntry, sign: 1 | -1): void {
    const key = appKey(allocation.service, allocation.app);
    addResources(host.allocated, allocation.resources, sign);
    bump(this.appsOnHost[host.slot], key, sign);
    bump(nested(this.appsOnSite, host.site), key, sign);
    const exclusions = this.exclusionsOnHost[host.slot];
    for (const excluded of allocation.excludes) bump(exclusions, excluded, sign);
  }
}

function nested(map: Map<string, Map<string, number>>, key: string): Map<string, number> {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}

function bump(map: Map<string, number>, key: string, delta: number): void {
  const next = (map.get(key) ?? 0) + delta;
  if (Math.abs(next) < 1e-9) map.delete(key);
  else map.set(key, next);
}
