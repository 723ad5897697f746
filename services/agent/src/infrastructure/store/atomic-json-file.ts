import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A JSON document on local disk that is never seen half-written: each write goes to a temporary
 * file, is fsynced, and renamed over the old one. Concurrent writes are serialised, and a write
 * asked for while another runs is coalesced with later ones (the last value wins).
 */
export class AtomicJsonFile<T> {
  private writing: Promise<void> | undefined;
  private pending:
    { value: T; waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> } | undefined;

  constructor(readonly path: string) {}

  /** The stored value, or undefined when the file does not exist yet. */
  async read(): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Resolves once `value` (or a later value) is durably on disk. */
  write(value: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.pending) {
        this.pending.value = value;
        this.pending.waiters.push({ resolve, reject });
      } else {
        this.pending = { value, waiters: [{ resolve, reject }] };
      }
      if (!this.writing) this.writing = this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      const { value, waiters } = this.pending;
      this.pending = undefined;
      try {
        await this.writeNow(value);
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error);
      }
    }
    this.writing = undefined;
  }

  private async writeNow(value: T): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(JSON.stringify(value));
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, this.path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }
}
