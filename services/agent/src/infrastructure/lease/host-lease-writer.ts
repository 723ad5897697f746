import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostLeaseFileName, type HostLease } from '@federa/contracts';

/**
 * Renews hosts' lease files `<leaseDir>/<host>.lease` (docs/adr/inventory-host-lease.md), the
 * liveness signal that does not travel over NATS. Each renewal is written whole: a temporary file
 * renamed over the old one, so inventory never reads a torn lease. Not fsynced: a lease only
 * matters while fresh, and one lost to a crash reads as `dead`, which is what a crash is.
 * A renewal asked for while the same host's previous one is still being written is skipped:
 * the next interval brings a fresher one.
 */
export class HostLeaseWriter {
  private readonly writing = new Map<string, Promise<void>>();
  private dirReady: Promise<unknown> | undefined;
  private dirMade = false;

  constructor(readonly leaseDir: string) {}

  /**
   * Starts writing `lease` unless this host's previous renewal is still running; never rejects:
   * `onDone` hears the outcome (an error, or undefined once written).
   */
  renew(lease: HostLease, onDone: (error: Error | undefined) => void = () => undefined): void {
    if (this.writing.has(lease.host)) return;
    const work = this.write(lease)
      .then(
        () => onDone(undefined),
        (error: Error) => {
          this.dirReady = undefined;
          onDone(error);
        },
      )
      .finally(() => this.writing.delete(lease.host));
    this.writing.set(lease.host, work);
  }

  /**
   * Writes `lease` before returning, for many hosts in one process (`--simulate-leases`): on tmpfs a
   * synchronous write and rename cost ~70 µs, several times less than going through the thread pool.
   * Throws what the file system refused.
   */
  renewNow(lease: HostLease): void {
    if (!this.dirMade) {
      mkdirSync(this.leaseDir, { recursive: true });
      this.dirMade = true;
    }
    const path = join(this.leaseDir, hostLeaseFileName(lease.host));
    const temporary = `${path}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, JSON.stringify(lease));
      renameSync(temporary, path);
    } catch (error) {
      this.dirMade = false;
      throw error;
    }
  }

  /** Resolves once every renewal started so far has finished. */
  async settled(): Promise<void> {
    await Promise.all(this.writing.values());
  }

  private async write(lease: HostLease): Promise<void> {
    this.dirReady ??= mkdir(this.leaseDir, { recursive: true });
    await this.dirReady;
    const path = join(this.leaseDir, hostLeaseFileName(lease.host));
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(lease));
    try {
      await rename(temporary, path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }
}
