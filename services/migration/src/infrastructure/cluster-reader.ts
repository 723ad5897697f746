import { normaliseServiceSpec, streamIds, type NormalisedApplication } from '@federa/contracts';
import type { EventStore } from '@federa/eventstore';
import {
  evolveInstanceLife,
  initialInstanceLife,
  isInstanceEvent,
  type InstanceLife,
} from '@federa/instance-lifecycle';
import { hostStanding, type HostStanding } from '../domain/host-standing';
import { latestSpec } from '../domain/service-spec-fold';

/** What the migration reads of the log besides its own streams: hosts, instances, applications. */
export class ClusterReader {
  constructor(private readonly store: EventStore) {}

  async host(host: string): Promise<HostStanding | undefined> {
    const { events } = await this.store.readStream(streamIds.host(host));
    return hostStanding(events);
  }

  async instance(instance: string): Promise<InstanceLife> {
    const { events } = await this.store.readStream(streamIds.instance(instance));
    let life = initialInstanceLife();
    for (const event of events) if (isInstanceEvent(event)) life = evolveInstanceLife(life, event);
    return life;
  }

  /** The application as the service's latest spec has it. */
  async application(service: string, app: string): Promise<NormalisedApplication | undefined> {
    const { events } = await this.store.readStream(streamIds.service(service));
    const spec = latestSpec(events);
    return spec ? normaliseServiceSpec(spec).applications.find((a) => a.name === app) : undefined;
  }
}
