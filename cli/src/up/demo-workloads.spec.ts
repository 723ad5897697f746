import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@federa/testing';
import {
  FileAgentStateStore,
  readProcStat,
  type PersistedInstance,
} from '../../../services/agent/src';
import { liveDemoWorkloads, signalWorkloads, workloadsOf } from './demo-workloads';

const row = (instance: string, handle: Record<string, unknown>): PersistedInstance =>
  ({
    spec: { instance, service: 'shop', app: 'web' },
    layer: 'process',
    state: 'healthy',
    handle,
  }) as unknown as PersistedInstance;

describe('workloadsOf', () => {
  it('keeps the rows with a pid and a start time, and skips the others', () => {
    expect(
      workloadsOf('h1', [
        row('a', { pid: 10, startTime: 99, port: 1 }),
        row('b', {}),
        row('c', { pid: 'x', startTime: 1 }),
      ]),
    ).toEqual([{ host: 'h1', instance: 'a', pid: 10, startTime: 99 }]);
  });
});

describe('leftover demo workloads', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'federa-demo-workloads-'));
  });
  afterEach(() => {
    if (child?.pid && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds a workload recorded by an agent that still runs, and kills its process group', async () => {
    // A workload as the process layer starts it: detached, leading its own process group.
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      detached: true,
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    const pid = child.pid as number;
    const stat = await readProcStat(pid);
    await new FileAgentStateStore(join(dir, 'h1')).saveInstances([
      row('shop-web-1', { pid, startTime: stat?.startTime }),
      // the same pid with another start time is another process: never signalled
      row('shop-web-old', { pid, startTime: (stat?.startTime ?? 0) - 1 }),
    ]);

    const live = await liveDemoWorkloads(dir, ['h1', 'absent-host']);
    expect(live.map((w) => w.instance)).toEqual(['shop-web-1']);

    await signalWorkloads(live, 'SIGKILL');
    await exited;
    await eventually(async () => (await liveDemoWorkloads(dir, ['h1'])).length === 0, 5000, 50);
  });
});
