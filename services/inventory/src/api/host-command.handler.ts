import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { streamIds } from '@federa/contracts';
import { handleCommand, type EventStore } from '@federa/eventstore';
import type { HostCommand } from '../domain/host-commands';
import { foldHost, hostDecider, type HostRecord } from '../domain/host-decider';
import type { HostEvent } from '../domain/host-events';
import { LivenessTracker } from '../domain/liveness-tracker';
import { EVENT_STORE } from '../infrastructure/inventory-tokens';

/**
 * Who asked, for the events' metadata (docs/security/audit.md): the actor (a token, an agent, a
 * service), its role when a token, and the event that caused the command when one did. Inventory
 * is always the service that decides (`decidedBy`).
 */
export interface CommandOrigin {
  actor: string;
  actorRole?: string;
  correlationId?: string;
  causationId?: string;
}

/**
 * Runs a host command through the decider against the host's stream (optimistic concurrency,
 * retried on conflict), and keeps the liveness tracker in step with registrations and retirements.
 */
@Injectable()
export class HostCommandHandler {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly tracker: LivenessTracker,
  ) {}

  /** The host's record as its stream has it now (a host never registered: not registered). */
  async record(host: string): Promise<HostRecord> {
    const { events } = await this.store.readStream(streamIds.host(host));
    return foldHost(
      host,
      events.map((e) => ({ type: e.type, data: e.data }) as HostEvent),
    );
  }

  /**
   * Answers the host's record after the command, the events it caused (none when already there) and
   * the log position of the last one (undefined when none).
   */
  async execute(
    host: string,
    command: HostCommand,
    origin: CommandOrigin,
  ): Promise<{ record: HostRecord; events: HostEvent[]; position: number | undefined }> {
    const { newState, newEvents, appended } = await handleCommand(
      this.store,
      streamIds.host(host),
      hostDecider(host),
      command,
      {
        metadata: {
          actor: origin.actor,
          ...(origin.actorRole ? { actorRole: origin.actorRole } : {}),
          decidedBy: 'inventory',
          correlationId: origin.correlationId ?? randomUUID(),
          ...(origin.causationId ? { causationId: origin.causationId } : {}),
        },
      },
    );
    if (command.type === 'RegisterHost' && newEvents.length > 0 && newState.attributes) {
      this.tracker.track(host, newState.attributes.site, newState.epoch, 'ready');
    }
    if (newEvents.some((e) => e.type === 'HostRetired')) this.tracker.forget(host);
    return { record: newState, events: newEvents, position: appended?.lastPosition };
  }
}
