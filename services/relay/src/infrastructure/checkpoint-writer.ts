import { storeCheckpoint, type LogCheckpoint, type Queryable } from '@federa/eventstore';

/**
 * Moves a reader's checkpoint forward in the background, one compare-and-set at a time and always to
 * the latest place asked for, so that the reader never waits on the write. Stops writing for good when
 * another reader moved the checkpoint (`lost`) or a write failed (`failure`).
 */
export class CheckpointWriter {
  private stored: LogCheckpoint;
  private wanted: LogCheckpoint;
  private writing: Promise<void> | undefined;
  private lostTo = false;
  private failed: { error: unknown } | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly name: string,
    at: LogCheckpoint,
  ) {
    this.stored = at;
    this.wanted = at;
  }

  /** The latest place asked for (written or about to be). */
  get target(): LogCheckpoint {
    return this.wanted;
  }

  /** True once another reader moved the checkpoint: this one is no longer the active reader. */
  get lost(): boolean {
    return this.lostTo;
  }

  /** The error of a write that failed, if one did. */
  get failure(): { error: unknown } | undefined {
    return this.failed;
  }

  /** Asks for the checkpoint to be moved to `to` (a place after every earlier one asked for). */
  advance(to: LogCheckpoint): void {
    this.wanted = to;
    if (!this.writing && !this.lostTo && !this.failed) {
      this.writing = this.write().finally(() => {
        this.writing = undefined;
      });
    }
  }

  /** Waits until every place asked for so far is written (or writing stopped). */
  async settle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async write(): Promise<void> {
    try {
      while (this.wanted !== this.stored && !this.lostTo) {
        const to = this.wanted;
        if (await storeCheckpoint(this.db, this.name, this.stored, to)) this.stored = to;
        else this.lostTo = true;
      }
    } catch (error) {
      this.failed = { error };
    }
  }
}
