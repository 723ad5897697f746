import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, uniquePrefix } from '@federa/testing';
import { dataDirLockPath } from '../services/agent/src/infrastructure/store/data-dir-lock';

const repoRoot = join(__dirname, '..');
const NATS_URL = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const child = join(repoRoot, 'test', 'agent-cli-child.js');

const config = `host: lock-1
site: geneva
securityLevel: 3
layers: [process]
capacity: { cpu: 8, memory: 32Gi, storage: 500Gi, bandwidth: 10Gbps }
costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.10, networkGiB: 0.01 }
`;

jest.setTimeout(90_000);

describe('two agents on one data directory', () => {
  it('refuses the second while the first runs, naming the data directory, and gives the directory up when the first stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-lock-'));
    const dataDir = join(dir, 'data');
    const file = join(dir, 'host.yaml');
    writeFileSync(file, config);
    const env = {
      ...process.env,
      FEDERA_NATS_URL: NATS_URL,
      FEDERA_SUBJECT_PREFIX: uniquePrefix('agentlock'),
      FEDERA_LEASE_DIR: join(dir, 'leases'),
    };
    const args = [child, '--config', file, '--data-dir', dataDir];
    const first = spawn(process.execPath, args, { env, stdio: 'ignore' });
    const firstExited = new Promise<number | null>((resolve) => first.once('exit', resolve));
    try {
      await eventually(() => existsSync(dataDirLockPath(dataDir)), 60_000, 100);

      const second = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 60_000 });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(
        `federa-agent: another agent (pid ${first.pid}) is running on the data directory ${dataDir}`,
      );

      first.kill('SIGTERM');
      expect(await firstExited).toBe(0);
      expect(existsSync(dataDirLockPath(dataDir))).toBe(false);
    } finally {
      first.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
