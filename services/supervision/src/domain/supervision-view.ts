import {
  causedMetadata,
  internalMetadata,
  streamCategory,
  type DecisionMetadata,
  type EventCause,
  type NormalisedApplication,
  type RecordedEvent,
} from '@federa/contracts';
import {
  evolveInstanceLife,
  initialInstanceLife,
  isInstanceEvent,
  type InstanceLife,
} from '@federa/instance-lifecycle';
import { evolveInstance, isLive, type InstanceView } from './instance-view';
import { partitionKeep } from './partition-keep';
import {
  evolveService,
  initialServiceState,
  type ServiceEvent,
  type ServiceState,
} from './service-decider';

/** What supervision knows of a host: its fencing epoch and whether inventory declared it down. */
export interface HostView {
  id: string;
  epoch: number;
  down: boolean;
  /** While down: whether its lease said it died or lives behind a partition (HostDown `cause`). */
  cause?: 'dead' | 'partitioned';
  /** While down: when it was declared so (ms since epoch, the event's time). */
  downAt?: number;
  /** While up: when it registered or came back (ms since epoch, the event's time). */
  upAt?: number;
}

/** Placement's answer kept beside the instance: the host epoch to fence agent commands with. */
export interface PlacementView {
  hostEpoch?: number;
}

/** An instance stream as the instance decider folds it, and the version that fold is at. */
export interface KnownLife {
  life: InstanceLife;
  version: number;
}

/** An event a decision of supervision's may be caused by, and where it is in the log. */
export interface ViewCause extends EventCause {
  position: number;
}

/**
 * The service events that ask supervision to act (define, deploy, stop, scale): what instances are
 * requested or stopped for, and so whose actor those carry (docs/security/audit.md).
 */
const serviceIntents: ReadonlySet<string> = new Set([
  'ServiceDefined',
  'ServiceUpdated',
  'ServiceDeployStarted',
  'ServiceStopStarted',
  'ServiceCopied',
  'ScaledOut',
  'ScaledIn',
]);

/**
 * Services, instances and hosts as the log says, folded in log order. One instance of it per
 * supervision process, fed by a LogSubscription; `position` tells how far it has read.
 */
export class SupervisionView {
  readonly services = new Map<string, ServiceState>();
  readonly instances = new Map<string, InstanceView>();
  readonly placements = new Map<string, PlacementView>();
  readonly hosts = new Map<string, HostView>();
  /** Each instance stream's decider state and version: what supervision decides and appends on. */
  readonly lives = new Map<string, KnownLife>();
  /** Each service's latest intent (serviceIntents): the cause of what supervision does for it. */
  readonly intents = new Map<string, ViewCause>();
  /**
   * The latest event of each instance and host stream, by stream id: the cause of a decision its
   * state prompts (a replacement, an instance failed with its host).
   */
  readonly lastEvents = new Map<string, ViewCause>();
  /** Highest log position applied. */
  position = 0;
  private readonly listeners: ((events: RecordedEvent[]) => void)[] = [];

  apply(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      this.applyOne(event);
      this.position = Math.max(this.position, event.position);
    }
    for (const listener of this.listeners) listener([...events]);
  }

  /**
   * Forgets everything folded, back to the start of the log (before a replay), listeners kept: every
   * field folded from the log is emptied here, so that a new one cannot be missed by a caller.
   */
  reset(): void {
    this.services.clear();
    this.instances.clear();
    this.placements.clear();
    this.hosts.clear();
    this.lives.clear();
    this.intents.clear();
    this.lastEvents.clear();
    this.position = 0;
  }

  /**
   * Metadata of what supervision decides because of the stream's latest event: its actor carried on
   * (docs/security/audit.md); supervision's own decision when the stream has none.
   */
  causedBy(streamId: string): DecisionMetadata {
    const cause = this.lastEvents.get(streamId);
    return cause
      ? causedMetadata(cause, 'supervision')
      : internalMetadata('supervision', `supervision-${streamId}`);
  }

  /** Called after every applied page. */
  onApplied(listener: (events: RecordedEvent[]) => void): void {
    this.listeners.push(listener);
  }

  service(name: string): ServiceState {
    return this.services.get(name) ?? initialServiceState(name);
  }

  /** The deployed revision's definition of the instance's application, if its service still has one. */
  applicationOf(
    instance: Pick<InstanceView, 'service' | 'app'>,
  ): NormalisedApplication | undefined {
    return this.service(instance.service).deployed?.applications.find(
      (a) => a.name === instance.app,
    );
  }

  /** The fencing epoch for commands to the instance's agent: the host's latest, at least the placement's. */
  epochOf(instance: Pick<InstanceView, 'id' | 'host'>): number {
    const host = instance.host ? this.hosts.get(instance.host) : undefined;
    return Math.max(host?.epoch ?? 0, this.placements.get(instance.id)?.hostEpoch ?? 0, 1);
  }

  /**
   * The service's instances, with `stranded` set for live ones of non-relocatable apps on down hosts
   * and for lost ones (recorded so, until their agent reports them again; `awaitingReport` once their
   * host is back).
   */
  instancesOf(service: string, now = Date.now(), partitionGraceMs = Infinity): InstanceView[] {
    const state = this.services.get(service);
    // Looked up per instance: a map, since a service may hold hundreds of applications.
    const apps = new Map((state?.deployed?.applications ?? []).map((a) => [a.name, a]));
    const out: InstanceView[] = [];
    for (const instance of this.instances.values()) {
      if (instance.service !== service) continue;
      const app = apps.get(instance.app);
      const host = instance.host !== undefined ? this.hosts.get(instance.host) : undefined;
      const downHere = isLive(instance) && host?.down === true;
      const partitioned =
        downHere && host?.cause === 'partitioned'
          ? (partitionKeep(app, now - (host.downAt ?? now), partitionGraceMs) ?? 'past grace')
          : undefined;
      const stranded =
        instance.state === 'lost' ||
        partitioned !== undefined ||
        (downHere && app?.placement.relocatable === false);
      // A move's source that died serves nobody, though the migration still has it until it ends.
      if (!stranded && downHere && instance.servingWhileMoving) {
        const { servingWhileMoving: _dead, ...notServing } = instance;
        out.push(notServing);
      } else if (!stranded) out.push(instance);
      else if (partitioned) out.push({ ...instance, stranded, partitioned });
      else if (instance.state === 'lost' && host !== undefined && !host.down)
        out.push({ ...instance, stranded, awaitingReport: true });
      else out.push({ ...instance, stranded });
    }
    return out;
  }

  private applyOne(event: RecordedEvent): void {
    const data = (event.data ?? {}) as Record<string, unknown>;
    switch (streamCategory(event.streamId)) {
      case 'service': {
        const name = String(data.service ?? event.streamId.slice('service-'.length));
        this.services.set(
          name,
          evolveService(this.service(name), { type: event.type, data } as unknown as ServiceEvent),
        );
        if (serviceIntents.has(event.type)) this.intents.set(name, causeOf(event));
        break;
      }
      case 'instance': {
        const id = event.streamId.slice('instance-'.length);
        const next = evolveInstance(this.instances.get(id), {
          type: event.type,
          data,
          occurredAt: event.metadata?.occurredAt ?? event.recordedAt,
        });
        if (next) this.instances.set(id, next);
        this.lastEvents.set(event.streamId, causeOf(event));
        const lifeEvent = { type: event.type, data };
        if (isInstanceEvent(lifeEvent)) {
          const known = this.lives.get(id);
          const life = evolveInstanceLife(known?.life ?? initialInstanceLife(), lifeEvent);
          this.lives.set(id, { life, version: event.streamVersion });
        }
        if (event.type === 'InstancePlaced' && typeof data.hostEpoch === 'number') {
          this.placements.set(id, { hostEpoch: data.hostEpoch });
        }
        break;
      }
      case 'host':
        this.lastEvents.set(event.streamId, causeOf(event));
        this.applyHost(
          event.type,
          data,
          Date.parse(event.metadata?.occurredAt ?? event.recordedAt),
        );
        break;
    }
  }

  private applyHost(type: string, data: Record<string, unknown>, at: number): void {
    const id = String(data.host);
    const host = this.hosts.get(id) ?? { id, epoch: 0, down: false };
    if ((type === 'HostRegistered' || type === 'HostRecovered') && typeof data.epoch === 'number') {
      const upAt = Number.isNaN(at) ? undefined : at;
      this.hosts.set(id, {
        id,
        epoch: data.epoch,
        down: false,
        ...(upAt !== undefined ? { upAt } : {}),
      });
    } else if (type === 'HostDown') {
      // A HostDown without a cause was written before inventory read leases: it meant dead.
      const cause = data.cause === 'partitioned' ? 'partitioned' : 'dead';
      this.hosts.set(id, { ...host, down: true, cause, downAt: Number.isNaN(at) ? 0 : at });
    } else if (type === 'HostRetired') {
      this.hosts.set(id, { ...host, down: true, cause: 'dead', downAt: Number.isNaN(at) ? 0 : at });
    }
  }
}

/** What a decision caused by `event` needs of it: its id and its metadata's actor and correlation. */
function causeOf(event: RecordedEvent): ViewCause {
  const { correlationId, actor, actorRole, traceparent } = event.metadata;
  return {
    eventId: event.eventId,
    position: event.position,
    metadata: {
      correlationId,
      actor,
      ...(actorRole ? { actorRole } : {}),
      // What it causes joins its trace (causedMetadata carries it on).
      ...(traceparent ? { traceparent } : {}),
    },
  };
}
