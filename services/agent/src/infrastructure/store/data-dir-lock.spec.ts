import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readProcStat } from '../../layers/process/proc-stat';
import { DataDirInUse, DataDirLock, dataDirLockPath } from './data-dir-lock';

describe("an agent's lock on its data dir", () => {
  let dataDir: string;
  let other: ChildProcess | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'agent-lock-'));
  });

  afterEach(() => {
    other?.kill('SIGKILL');
    other = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Another live process, written into the lock file as its holder. */
  async function heldByAnotherProcess(): Promise<number> {
    other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const pid = other.pid as number;
    const stat = await readProcStat(pid);
    writeFileSync(dataDirLockPath(dataDir), JSON.stringify({ pid, startTime: stat?.startTime }));
    return pid;
  }

  it('names this process while held, and is gone once released', async () => {
    const lock = await DataDirLock.acquire(dataDir);
    expect(JSON.parse(readFileSync(dataDirLockPath(dataDir), 'utf8')).pid).toBe(process.pid);
    await lock.release();
    expect(existsSync(dataDirLockPath(dataDir))).toBe(false);
  });

  it('is refused while another live process holds it, naming the data dir and that pid', async () => {
    const pid = await heldByAnotherProcess();
    const refusal = await DataDirLock.acquire(dataDir).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DataDirInUse);
    expect((refusal as Error).message).toBe(
      `another agent (pid ${pid}) is running on the data directory ${dataDir}: stop it first, or give this agent a data directory of its own`,
    );
    // Refused without touching the holder's file.
    expect(JSON.parse(readFileSync(dataDirLockPath(dataDir), 'utf8')).pid).toBe(pid);
  });

  it('is taken over from a holder that has ended', async () => {
    await heldByAnotherProcess();
    other?.kill('SIGKILL');
    await new Promise((resolve) => other?.once('exit', resolve));
    const lock = await DataDirLock.acquire(dataDir);
    expect(JSON.parse(readFileSync(dataDirLockPath(dataDir), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('is taken over when its pid now names a later process (a pid reused), or its file is half written', async () => {
    const pid = await heldByAnotherProcess();
    writeFileSync(dataDirLockPath(dataDir), JSON.stringify({ pid, startTime: 1 }));
    await (await DataDirLock.acquire(dataDir)).release();
    writeFileSync(dataDirLockPath(dataDir), '{"pid": 12');
    await (await DataDirLock.acquire(dataDir)).release();
    expect(existsSync(dataDirLockPath(dataDir))).toBe(false);
  });
});
