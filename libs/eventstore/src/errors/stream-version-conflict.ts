import { ErrorCodes, FederaError } from '@federa/contracts';
import type { ExpectedVersion } from '../event-store';

/** The stream was not at the version the writer expected: re-read, re-decide, retry. */
export class StreamVersionConflict extends FederaError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(
      ErrorCodes.conflict,
      `stream ${streamId} is at version ${actual}, expected ${String(expected)}`,
      [{ streamId, expected, actual }],
    );
    this.name = 'StreamVersionConflict';
  }
}
