import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, tempDir } from './agent-harness';

function runAgent(
  config: string,
  flags: string[] = [],
  env: NodeJS.ProcessEnv = {},
): { status: number | null; stderr: string } {
  const dir = tempDir('config');
  try {
    const file = join(dir, 'host.yaml');
    writeFileSync(file, config);
    const result = spawnSync(
      process.execPath,
      [join(repoRoot, 'test', 'agent-cli-child.js'), '--config', file, '--data-dir', dir, ...flags],
      {
        encoding: 'utf8',
        timeout: 30_000,
        env: { ...process.env, FEDERA_NATS_URL: 'nats://127.0.0.1:1', ...env },
      },
    );
    return { status: result.status, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const valid = `host: mph-1
site: geneva
securityLevel: 3
layers: [process]
capacity: { cpu: 8, memory: 32Gi, storage: 500Gi, bandwidth: 10Gbps }
costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.10, networkGiB: 0.01 }
`;

jest.setTimeout(60_000);

describe('federa agent --config', () => {
  it('exits with status 2 and names the field when the capacity is wrong', () => {
    const { status, stderr } = runAgent(valid.replace('memory: 32Gi', 'memory: lots'));
    expect(status).toBe(2);
    expect(stderr).toContain('capacity.memory');
  });

  it('exits with status 2 and names an unknown layer and a missing site', () => {
    const { status, stderr } = runAgent(
      valid.replace('layers: [process]', 'layers: [docker]').replace('site: geneva\n', ''),
    );
    expect(status).toBe(2);
    expect(stderr).toContain('layers');
    expect(stderr).toContain('site');
  });

  it('exits with status 2 on a key the format does not know', () => {
    const { status, stderr } = runAgent(`${valid}colour: blue\n`);
    expect(status).toBe(2);
    expect(stderr).toMatch(/colour: unknown key/);
  });

  it('exits with status 2 when --simulate-leases comes without --simulate', () => {
    const { status, stderr } = runAgent(valid, ['--simulate-leases']);
    expect(status).toBe(2);
    expect(stderr).toContain('--simulate-leases');
  });

  it('exits with status 2 and names the variable when the environment is malformed', () => {
    const prefix = runAgent(valid, [], { FEDERA_SUBJECT_PREFIX: 'a.b' });
    expect(prefix.status).toBe(2);
    expect(prefix.stderr).toContain('FEDERA_SUBJECT_PREFIX');
    const heartbeat = runAgent(valid, [], { FEDERA_HEARTBEAT_MS: 'soon' });
    expect(heartbeat.status).toBe(2);
    expect(heartbeat.stderr).toContain('FEDERA_HEARTBEAT_MS');
  });
});
