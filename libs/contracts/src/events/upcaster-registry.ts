/** Turns the `data` of one schema version into the next one's. Must not mutate its input. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

/** The part of a stored event that upcasting reads and rewrites. */
export interface VersionedEvent {
  type: string;
  schemaVersion: number;
  data: unknown;
}

/** Thrown when a stored event cannot be brought to the current version. */
export class UpcastError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpcastError';
  }
}

/** Upcasters keyed by (type, from version), each taking the data one version up. */
export class UpcasterRegistry {
  private readonly steps = new Map<string, Upcaster>();

  constructor(private readonly currentVersion: (type: string) => number | undefined) {}

  /** Registers the step fromVersion → fromVersion + 1; registering the same step twice is a mistake. */
  register(type: string, fromVersion: number, upcaster: Upcaster): void {
    const current = this.currentVersion(type);
    if (current === undefined) throw new UpcastError(`unknown event type ${type}`);
    if (!Number.isInteger(fromVersion) || fromVersion < 1 || fromVersion >= current) {
      throw new UpcastError(
        `${type} upcaster from v${fromVersion}: must be from 1 to ${current - 1}`,
      );
    }
    const key = stepKey(type, fromVersion);
    if (this.steps.has(key))
      throw new UpcastError(`${type} already has an upcaster from v${fromVersion}`);
    this.steps.set(key, upcaster);
  }

  /** The step fromVersion → fromVersion + 1 of a type, if registered (the event catalogue lists them). */
  stepFrom(type: string, fromVersion: number): Upcaster | undefined {
    return this.steps.get(stepKey(type, fromVersion));
  }

  /**
   * The event at its type's current version, step by step; unchanged when already current or of a
   * type this build does not know. Throws UpcastError for a missing step or a version from the future.
   */
  upcast<E extends VersionedEvent>(event: E): E {
    const current = this.currentVersion(event.type);
    if (current === undefined || event.schemaVersion === current) return event;
    if (event.schemaVersion > current) {
      throw new UpcastError(
        `${event.type} v${event.schemaVersion} is newer than this build knows (v${current})`,
      );
    }
    let data = event.data as Record<string, unknown>;
    for (let version = event.schemaVersion; version < current; version++) {
      const step = this.steps.get(stepKey(event.type, version));
      if (!step)
        throw new UpcastError(`no upcaster for ${event.type} from v${version} to v${version + 1}`);
      data = step(data);
    }
    return { ...event, schemaVersion: current, data };
  }
}

function stepKey(type: string, fromVersion: number): string {
  return `${type}@${fromVersion}`;
}
