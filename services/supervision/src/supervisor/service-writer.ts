import { randomUUID } from 'node:crypto';
import { internalMetadata, streamIds, type DecisionMetadata } from '@federa/contracts';
import { handleCommand, type EventStore } from '@federa/eventstore';
import {
  initialServiceState,
  serviceDecider,
  type ServiceCommand,
  type ServiceState,
} from '../domain/service-decider';
import type { CaughtUpWaiters } from './caught-up-waiters';

/** The outcome of a service command: the new state and the log position of its last event, if any. */
export interface ServiceOutcome {
  state: ServiceState;
  position?: number;
}

/**
 * Runs commands on `service-<name>` streams through the service decider (read, decide, append at
 * the version read) and waits until supervision's view shows the outcome, so that the next decision
 * sees it.
 */
export class ServiceWriter {
  constructor(
    private readonly store: EventStore,
    private readonly waiters: CaughtUpWaiters,
  ) {}

  /** `metadata`: who asked and why; @default a decision of supervision's own. */
  async command(
    name: string,
    command: ServiceCommand,
    metadata: DecisionMetadata = internalMetadata('supervision', randomUUID()),
  ): Promise<ServiceOutcome> {
    const decider = { ...serviceDecider, initialState: () => initialServiceState(name) };
    const result = await handleCommand(this.store, streamIds.service(name), decider, command, {
      metadata,
    });
    if (result.appended) await this.waiters.caughtUp(result.appended.lastPosition);
    return { state: result.newState, position: result.appended?.lastPosition };
  }
}
