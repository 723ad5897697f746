import { ErrorCodes, FederaError } from '@federa/contracts';
import type { ExpectedVersion } from '../event-store';

/** One stream of a multi-stream append that was not at the version its writer expected. */
export interface StreamConflict {
  streamId: string;
  expected: ExpectedVersion;
  actual: number;
}

/** A multi-stream append found streams elsewhere than expected and appended nothing: re-read those, re-decide, retry. */
export class StreamsVersionConflict extends FederaError {
  constructor(readonly conflicts: StreamConflict[]) {
    super(
      ErrorCodes.conflict,
      `nothing appended: ${conflicts
        .map(
          (c) => `stream ${c.streamId} is at version ${c.actual}, expected ${String(c.expected)}`,
        )
        .join('; ')}`,
      conflicts.map((c) => ({ ...c })),
    );
    this.name = 'StreamsVersionConflict';
  }

  /** The ids of the streams that conflicted. */
  get streamIds(): string[] {
    return this.conflicts.map((c) => c.streamId);
  }
}
