import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { streamIds } from '@federa/contracts';
import { foldEvents, LiveProjection, type EventStore } from '@federa/eventstore';
import { hostDecider, type HostRecord } from '../domain/host-decider';
import type { HostEvent } from '../domain/host-events';
import { LivenessTracker } from '../domain/liveness-tracker';
import { EVENT_STORE } from './inventory-tokens';
import { HostReadModel } from './host-read-model';

/** A heartbeat of a host that is not registered is looked up (and reported) at most this often. */
const complaintEveryMs = 60_000;
/** Streams read at once while looking up heard hosts (the pool has 8 connections for everything). */
const lookupsAtOnce = 4;

/**
 * Keeps the hosts the liveness tracker watches in step with the log. A replica's tracker learns of
 * the registrations it answers itself; one that another replica answered it learns when the
 * host's heartbeat arrives, from the host's stream (not the read model, which may lag behind the
 * registration). Lookups run apart from the liveness tick, so a burst of registrations elsewhere
 * costs stream reads but no ticks.
 */
@Injectable()
export class HostRoster implements OnModuleDestroy {
  private readonly logger = new Logger('Liveness');
  /** Hosts heard but not tracked, to look up next. */
  private readonly sought = new Set<string>();
  /** Hosts found unregistered or retired, not looked up again before the time they map to. */
  private readonly ignoredUntil = new Map<string, number>();
  private lookingUp: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly tracker: LivenessTracker,
    private readonly hosts: HostReadModel,
    private readonly projection: LiveProjection,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** Watches every host of the read model that the tracker does not watch yet. */
  async trackNew(): Promise<void> {
    for (const host of await this.hosts.watched()) {
      if (!this.tracker.view(host.id)) {
        this.tracker.track(host.id, host.site, host.epoch, host.liveness);
      }
    }
  }

  /** Hands the tracker the log's view of every host before this replica records liveness. */
  async takeOver(): Promise<void> {
    // Everything committed before the take-over, the previous leader's last changes included.
    await this.projection.current();
    this.tracker.takeOver(await this.hosts.watched());
  }

  /** Takes a heartbeat the tracker refused as of an unknown host: another replica may have registered it. */
  seek(host: string, now = Date.now()): void {
    if (this.stopped || (this.ignoredUntil.get(host) ?? 0) > now) return;
    this.sought.add(host);
    this.lookingUp ??= this.lookUpSought()
      .catch((error: unknown) =>
        this.logger.error(`could not look up heard hosts: ${(error as Error).message}`),
      )
      .finally(() => (this.lookingUp = undefined));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.sought.clear();
    await this.lookingUp;
  }

  private async lookUpSought(): Promise<void> {
    while (this.sought.size > 0 && !this.stopped) {
      const batch = [...this.sought].slice(0, lookupsAtOnce);
      for (const host of batch) this.sought.delete(host);
      await Promise.all(batch.map((host) => this.lookUp(host)));
    }
  }

  private async lookUp(host: string): Promise<void> {
    if (this.tracker.view(host)) return;
    const record = await this.recordOf(host);
    // A registration answered here meanwhile tracked it already, perhaps under a newer epoch.
    if (this.tracker.view(host)) return;
    if (record.registered && record.lifecycle !== 'retired' && record.attributes) {
      this.tracker.track(host, record.attributes.site, record.epoch, record.liveness);
      return;
    }
    const now = Date.now();
    for (const [ignored, until] of this.ignoredUntil) {
      if (until <= now) this.ignoredUntil.delete(ignored);
    }
    this.ignoredUntil.set(host, now + complaintEveryMs);
    const what = record.registered ? 'the host is retired' : 'no such host is registered';
    this.logger.warn(`heartbeats of ${host} ignored: ${what}`);
  }

  private async recordOf(host: string): Promise<HostRecord> {
    const { events } = await this.store.readStream(streamIds.host(host));
    return foldEvents(
      hostDecider(host),
      events.map((e) => ({ type: e.type, data: e.data }) as HostEvent),
    );
  }
}
