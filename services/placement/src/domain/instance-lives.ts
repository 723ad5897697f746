import {
  evolveInstanceLife,
  initialInstanceLife,
  type InstanceEvent,
  type InstanceLife,
} from '@federa/instance-lifecycle';

/** One instance as placement last folded it: its life, and the version of its stream that says so. */
export interface FoldedLife {
  readonly life: InstanceLife;
  /** The version of `instance-<id>` folded: the expected version of placement's next append to it. */
  readonly version: number;
}

interface Entry {
  life: InstanceLife;
  version: number;
  /** The last event, folded into `life` when the instance is next read (most placed instances never are). */
  unfolded: InstanceEvent | undefined;
}

const absent: FoldedLife = { life: initialInstanceLife(), version: 0 };

/**
 * Every instance's life, folded from its `instance-<id>` stream with the stream version it was folded
 * at: what placement decides against, and where it appends. Ended instances are kept: a request for an
 * instance placement forgot would look new and be placed again.
 */
export class InstanceLives {
  private readonly lives = new Map<string, Entry>();

  /** The instance as folded; `absent` at version 0 when its stream was never seen. */
  of(instance: string): FoldedLife {
    const entry = this.lives.get(instance);
    if (!entry) return absent;
    if (entry.unfolded) {
      entry.life = evolveInstanceLife(entry.life, entry.unfolded);
      entry.unfolded = undefined;
    }
    return entry;
  }

  /**
   * Applies one event of the instance's stream at its stream version. An event at or below the version
   * already folded changes nothing: the same event arrives from the log after placement appended it or
   * re-read its stream after a conflict.
   */
  fold(instance: string, event: InstanceEvent, version: number): void {
    const known = this.of(instance);
    if (version <= known.version) return;
    this.lives.set(instance, { life: known.life, version, unfolded: event });
  }
}
