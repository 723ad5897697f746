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

  it('exits with status 2 and names --credentials when its file cannot be read', () => {
    const { status, stderr } = runAgent(valid, ['--credentials', '/nonexistent/agent-mph-1.nk']);
    expect(status).toBe(2);
    expect(stderr).toContain('--credentials: cannot read /nonexistent/agent-mph-1.nk');
  });

  it("exits with status 2 and names --credentials when the seed is another host's", () => {
    const dir = tempDir('seed');
    try {
      const seed = join(dir, 'agent-h1.nk');
      writeFileSync(
        seed,
        '# federa bus identity: agent:h1\nSUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTC4\n',
      );
      const { status, stderr } = runAgent(valid, ['--credentials', seed]);
      expect(status).toBe(2);
      expect(stderr).toContain("--credentials: the seed is agent:h1's, the config's host is mph-1");
      const simulated = runAgent(valid, ['--credentials', seed, '--simulate', '2']);
      expect(simulated.status).toBe(2);
      expect(simulated.stderr).toContain(
        "--credentials: the seed is agent:h1's, --simulate needs a simulator's",
      );
      const fromEnv = runAgent(valid, [], { FEDERA_NATS_CREDENTIALS: seed });
      expect(fromEnv.status).toBe(2);
      expect(fromEnv.stderr).toContain("FEDERA_NATS_CREDENTIALS: the seed is agent:h1's");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
