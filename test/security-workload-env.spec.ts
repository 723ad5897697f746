import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Subjects, type ServiceEndpoints } from '@federa/contracts';
import { credentialsAuthenticator } from '@federa/messaging';
import {
  eventually,
  itWhen,
  NatsServerProcess,
  natsServerBinary,
  uniquePrefix,
} from '@federa/testing';
import { connect, type NatsConnection } from 'nats';
import { createUser } from 'nkeys.js';
import {
  answerRegistrations,
  killGroup,
  persistedHandle,
  recordBus,
  repoRoot,
  sendCommand,
  tempDir,
} from './agent-harness';

// Workloads get no secrets (docs/security/workloads.md): a real agent process, whose environment
// holds every secret a Federa process may hold, starts a process workload through its command
// subject; the workload's environment, read by the kernel (/proc/<pid>/environ) and by the workload
// itself, holds what the spec, its identity and its service's endpoints give, and none of them.

jest.setTimeout(120_000);

const endpoints: ServiceEndpoints = {
  service: 'shop',
  version: 2,
  updatedAt: 1,
  applications: [
    {
      name: 'payment',
      instances: [{ instance: 'payment-1', host: 'far', address: '192.0.2.9', port: 9000 }],
    },
  ],
};

/** Writes an nkey seed file, as `federa credentials init` does, and answers the identity's public key. */
function seedFile(path: string): string {
  const user = createUser();
  writeFileSync(path, `${new TextDecoder().decode(user.getSeed())}\n`, { mode: 0o600 });
  return user.getPublicKey();
}

/** `/proc/<pid>/environ`: NAME=value entries separated by NUL, as the kernel gave the process. */
function environOf(pid: number): Record<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(
    entries.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
  );
}

describe("a workload's environment", () => {
  const prefix = uniquePrefix('wlenv');
  const subjects = new Subjects(prefix);
  const dir = tempDir('workload-env');
  const dataDir = join(dir, 'data');
  const config = join(dir, 'host.yaml');
  const script = join(dir, 'show-env.js');
  const shown = join(dir, 'env.json');
  let nats: NatsServerProcess | undefined;
  let nc: NatsConnection | undefined;
  let agent: ChildProcess | undefined;
  let agentLog = '';
  let workloadPid: number | undefined;

  afterAll(async () => {
    if (agent && agent.exitCode === null && agent.signalCode === null) {
      const exited = new Promise((resolve) => agent!.once('exit', resolve));
      agent.kill('SIGTERM');
      await exited;
    }
    if (workloadPid) killGroup(workloadPid);
    await nc?.close();
    await nats?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  itWhen(natsServerBinary() ? undefined : 'no nats-server on this machine')(
    "holds the spec's env, its identity and its endpoints, and none of the agent's secrets",
    async () => {
      // A bus that admits only the agent's and the test's nkeys: the agent really uses its seed.
      const agentSeed = join(dir, 'agent-wlenv.nk');
      const testSeed = join(dir, 'test.nk');
      const users = [seedFile(agentSeed), seedFile(testSeed)];
      const natsConfig = join(dir, 'nats.conf');
      writeFileSync(
        natsConfig,
        `authorization { users = [ ${users.map((u) => `{ nkey: ${u} }`).join(', ')} ] }\n`,
      );
      nats = await NatsServerProcess.start({ config: natsConfig });
      nc = await connect({ servers: nats.url, authenticator: credentialsAuthenticator(testSeed) });
      const registry = answerRegistrations(nc, subjects);
      const bus = recordBus(nc, subjects);

      writeFileSync(
        config,
        [
          'host: wlenv',
          'site: geneva',
          'securityLevel: 3',
          'layers: [process]',
          'capacity: auto',
          'costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 }',
          'discovery: { bind: 127.0.0.1 }',
          '',
        ].join('\n'),
      );
      // The workload shows what it was given, then stays up.
      writeFileSync(
        script,
        `require('node:fs').writeFileSync(process.argv[2], JSON.stringify(process.env));\n` +
          `setInterval(() => undefined, 60_000);\n`,
      );
      const secrets = {
        FEDERA_API_TOKEN: 'admin-token-c0ffee',
        FEDERA_API_TOKEN_FILE: join(dir, 'admin-token'),
        FEDERA_DATABASE_URL: 'postgres://postgres:db-password-51d3@127.0.0.1:5432/federa',
        FEDERA_NATS_URL: nats.url,
        FEDERA_NATS_CREDENTIALS: agentSeed,
        NODE_OPTIONS: '--max-old-space-size=700',
        SECRET_X: `secret-${Math.random().toString(36).slice(2)}`,
      };
      agent = spawn(
        process.execPath,
        [join(repoRoot, 'test', 'agent-cli-child.js'), '--config', config, '--data-dir', dataDir],
        {
          cwd: repoRoot,
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            LANG: 'C.UTF-8',
            FEDERA_SUBJECT_PREFIX: prefix,
            FEDERA_HEARTBEAT_MS: '200',
            FEDERA_LEASE_DIR: join(dir, 'leases'),
            ...secrets,
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      agent.stderr!.on('data', (chunk: Buffer) => (agentLog += chunk.toString()));

      await eventually(() => registry.epochOf('wlenv') !== undefined, 60_000).catch(() => {
        throw new Error(`the agent never registered; its log:\n${agentLog}`);
      });
      const reply = await sendCommand(nc, subjects, 'wlenv', {
        commandId: 'start-web-env',
        epoch: registry.epochOf('wlenv'),
        type: 'start',
        spec: {
          instance: 'web-env',
          service: 'shop',
          app: 'web',
          layer: 'process',
          artifact: { command: [process.execPath, script, shown] },
          env: { GREETING: 'hello from the spec' },
          resources: {
            cpuMillis: 100,
            memoryBytes: 1 << 26,
            storageBytes: 1 << 20,
            bandwidthBps: 1e6,
          },
          endpoints,
        },
      });
      expect(reply).toMatchObject({ ok: true });
      await eventually(
        () => bus.reports.some((r) => r.instance === 'web-env' && r.state === 'running'),
        60_000,
      );
      // The report can reach the bus before the agent's table on disk holds the workload's pid.
      workloadPid = await eventually(() => persistedHandle(dataDir, 'web-env')?.pid, 30_000);
      await eventually(() => existsSync(shown), 30_000);

      const seenByKernel = environOf(workloadPid);
      const seenByWorkload = JSON.parse(readFileSync(shown, 'utf8')) as Record<string, string>;
      for (const env of [seenByKernel, seenByWorkload]) {
        for (const [name, value] of Object.entries(secrets)) {
          expect({ name, present: name in env }).toEqual({ name, present: false });
          expect({ name, leaked: Object.values(env).some((v) => v.includes(value)) }).toEqual({
            name,
            leaked: false,
          });
        }
        expect(env).toMatchObject({
          GREETING: 'hello from the spec',
          FEDERA_SERVICE: 'shop',
          FEDERA_APPLICATION: 'web',
          FEDERA_INSTANCE: 'web-env',
          FEDERA_ENDPOINTS_PAYMENT: '192.0.2.9:9000',
          FEDERA_ENDPOINTS_WEB: '',
          FEDERA_DISCOVERY_URL: expect.stringMatching(
            /^http:\/\/127\.0\.0\.1:\d+\/v1\/discovery\/shop$/,
          ),
          PORT: expect.stringMatching(/^\d+$/),
          LANG: 'C.UTF-8',
        });
        // Its own HOME and TMPDIR, in its instance's directory under the agent's data dir.
        expect(env.HOME.startsWith(`${dataDir}/`)).toBe(true);
        expect(env.TMPDIR.startsWith(`${dataDir}/`)).toBe(true);
        expect(env.FEDERA_DATA_DIR.startsWith(`${dataDir}/`)).toBe(true);
      }
    },
  );
});
