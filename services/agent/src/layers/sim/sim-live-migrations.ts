import { randomUUID } from 'node:crypto';

/** What a simulated instance carries when it moves live: its synthetic data. */
export interface SimLiveState {
  data: { bytes: number; sha256: string };
}

/**
 * Where the simulated hosts of one process hand each other instances that move live (an
 * instance of a qemu application between hosts that offer qemu, simulated): the receiving layer
 * awaits it under a `sim://` URI, the sending one delivers its state there. In memory, so only
 * between layers of one process (a replay's fleet); hosts of other processes find no receiver.
 */
export class SimLiveMigrations {
  private readonly awaiting = new Map<string, (state: SimLiveState) => boolean>();

  /**
   * A URI the sender delivers the instance's state to; `receive` takes it when it arrives, and
   * answers false when the instance is no longer awaited there (stopped meanwhile).
   */
  await(instance: string, receive: (state: SimLiveState) => boolean): string {
    const uri = `sim://${encodeURIComponent(instance)}/${randomUUID()}`;
    this.awaiting.set(uri, receive);
    return uri;
  }

  /** Hands the state to whoever awaits `uri`; false when nobody took it (spent, unknown, stopped). */
  deliver(uri: string, state: SimLiveState): boolean {
    const receive = this.awaiting.get(uri);
    this.awaiting.delete(uri);
    return receive?.(state) ?? false;
  }
}
