import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readProcStat } from '../../layers/process/proc-stat';

/** Where the agent running on a data dir says who it is. */
export function dataDirLockPath(dataDir: string): string {
  return join(dataDir, 'agent.lock');
}

/** What the lock file holds: the process, told from a later one given the same pid by its start. */
interface LockOwner {
  pid: number;
  /** /proc/<pid>/stat's start time; undefined where there is no /proc. */
  startTime?: number;
}

/** Another agent runs on the data dir: starting beside it would run every instance twice. */
export class DataDirInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `another agent (pid ${pid}) is running on the data directory ${dataDir}: stop it first, ` +
        'or give this agent a data directory of its own',
    );
  }
}

/**
 * The agent's exclusive hold on its data dir (instances, host key, reports): a second agent on the
 * same dir would adopt the same instances and prove the same host key, each fencing the other.
 * The lock file names the holder's pid and start time; a start finding a live holder is refused,
 * and one finding a stale file (its process gone, the pid reused, the file unreadable) takes it over.
 * The same process taking it again (an agent stopped without release in a test) is not refused.
 */
export class DataDirLock {
  private released = false;

  private constructor(
    readonly path: string,
    private readonly owner: LockOwner,
  ) {}

  static async acquire(dataDir: string): Promise<DataDirLock> {
    const path = dataDirLockPath(dataDir);
    const owner = await ownerOf(process.pid);
    // Two tries: the second after removing a stale file (or one another start removed meanwhile).
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await createExclusive(path, owner)) return new DataDirLock(path, owner);
      const text = await readFile(path, 'utf8').catch(() => undefined);
      if (text === undefined) continue; // removed between create and read: try again
      const holder = parseOwner(text);
      if (holder && holder.pid !== process.pid && (await isLive(holder)))
        throw new DataDirInUse(dataDir, holder.pid);
      // Stale: removed only if it still says what was read, so that a lock another start has just
      // taken over is not removed in its turn.
      if ((await readFile(path, 'utf8').catch(() => undefined)) === text)
        await rm(path, { force: true });
    }
    throw new Error(
      `cannot take the lock ${path}: another agent is starting on the same data directory`,
    );
  }

  /** Gives the data dir up, if the file still names this process. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const holder = parseOwner((await readFile(this.path, 'utf8').catch(() => '')) ?? '');
    if (holder?.pid === this.owner.pid && holder.startTime === this.owner.startTime)
      await rm(this.path, { force: true });
  }
}

async function ownerOf(pid: number): Promise<LockOwner> {
  const stat = await readProcStat(pid);
  return stat ? { pid, startTime: stat.startTime } : { pid };
}

/** Writes the lock file only if none exists; false when one does. */
async function createExclusive(path: string, owner: LockOwner): Promise<boolean> {
  let file;
  try {
    file = await open(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new Error(`cannot take the lock ${path}: ${(error as Error).message}`);
  }
  try {
    await file.writeFile(`${JSON.stringify(owner)}\n`);
  } finally {
    await file.close();
  }
  return true;
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (!Number.isInteger(value.pid) || (value.pid as number) <= 0) return undefined;
    return {
      pid: value.pid as number,
      startTime: typeof value.startTime === 'number' ? value.startTime : undefined,
    };
  } catch {
    return undefined; // half written by a start that was killed: stale
  }
}

/** Whether the holder still runs: the same pid and, where /proc says, the same start time. */
async function isLive(holder: LockOwner): Promise<boolean> {
  const stat = await readProcStat(holder.pid);
  if (stat) {
    if (stat.state === 'Z' || stat.state === 'X') return false;
    return holder.startTime === undefined || stat.startTime === holder.startTime;
  }
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
