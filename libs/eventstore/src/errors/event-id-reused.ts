import { ErrorCodes, FederaError } from '@federa/contracts';

/** Some of a batch's event ids are already in the log, but not as this exact batch of this stream. */
export class EventIdReused extends FederaError {
  constructor(
    readonly streamId: string,
    readonly eventIds: string[],
  ) {
    super(
      ErrorCodes.conflict,
      `event ids already recorded elsewhere than as this batch of ${streamId}: ${eventIds.join(', ')}`,
      eventIds.map((eventId) => ({ path: 'eventId', reason: `already recorded: ${eventId}` })),
    );
    this.name = 'EventIdReused';
  }
}
