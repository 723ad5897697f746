import { spawn, type ChildProcess } from 'node:child_process';
import type { INestMicroservice } from '@nestjs/common';
import { Subjects } from '@federa/contracts';
import { CommandClient, connectNats } from '@federa/messaging';
import { eventually } from '@federa/testing';
import type { NatsConnection } from 'nats';
import { repoRoot } from './agent-harness';
import { startMigrationService } from './migration-service';
import { killProcess } from './relay-support';
import { Fleet } from './supervision-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';
import { type Instance, type Json, planeEnv, vaultYaml } from './migration-fixtures';

const ended = ['succeeded', 'failed', 'rolled-back'];
const live = new Set(['starting', 'running', 'healthy', 'unhealthy', 'migrating']);

/** `services/migration/src/main.ts` as a process of its own; resolves once it listens. */
async function spawnMigration(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', './bench/eventstore-register.js', 'services/migration/src/main.ts'],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  try {
    await eventually(() => output.join('').includes('migration listening'), 60_000, 100);
  } catch (error) {
    await killProcess(child);
    throw new Error(`the migration process did not start: ${output.join('')}`, { cause: error });
  }
  return child;
}

/**
 * Two migration replicas, one of them a process of its own that is killed (SIGKILL) in the middle
 * of a cold move with data: the other replica, leading once the dead one's lease is gone, takes the
 * saga over from its stream and ends it, with the instance running on one host only, its data kept.
 */
describe('a migration whose replica dies mid-move', () => {
  let plane: ControlPlane;
  let fleet: Fleet;
  let doomed: ChildProcess | undefined;
  let survivor: INestMicroservice | undefined;
  let nc: NatsConnection;
  let client: CommandClient;
  let env: Record<string, string>;

  const instances = async (): Promise<Instance[]> =>
    (await plane.call('GET', '/v1/instances?service=vault')).json.items;
  const kvInstance = async () => (await instances()).find((i) => i.app === 'kv')!;
  const migrationOf = (id: string) => client.sendCommand<Json>('getMigration', { migration: id });
  const kv = (host: string, instance: string, method: string, key: string, body?: string) =>
    fetch(`http://127.0.0.1:${fleet.portOf(host, instance)}/kv/${key}`, { method, body });
  /** The hosts whose agent runs a copy of the instance. */
  const runningOn = (instance: string) =>
    [...fleet.agents.entries()]
      .filter(([, { agent }]) => live.has(agent.core.stateOf(instance) ?? 'absent'))
      .map(([host]) => host);

  beforeAll(async () => {
    plane = await startControlPlane('migration_owner');
    fleet = await Fleet.start(plane, ['o1', 'o2']);
    env = planeEnv(plane);
    nc = await connectNats(plane.settings.natsUrl, 'migration-owner-test');
    client = new CommandClient(nc, new Subjects(plane.prefix), 10_000);
    await plane.call('PUT', '/v1/services/vault', vaultYaml, 'application/yaml');
    await plane.call('POST', '/v1/services/vault/deploy');
    await eventually(async () => (await kvInstance())?.state === 'healthy', 60_000, 200);
  }, 120_000);

  afterAll(async () => {
    if (doomed) await killProcess(doomed);
    await survivor?.close();
    await nc?.drain();
    await fleet?.close();
    await plane?.close();
  });

  it('is finished by the other replica: the instance runs once, with its data', async () => {
    const before = await kvInstance();
    const bulk = 'x'.repeat(8 * 1024 * 1024);
    expect((await kv(before.host, before.id, 'PUT', 'answer', 'forty-two')).status).toBe(200);
    expect((await kv(before.host, before.id, 'PUT', 'bulk', bulk)).status).toBe(200);

    // Only the doomed replica listens when the move is asked for: it records and runs the saga.
    doomed = await spawnMigration(env);
    const started = await client.sendCommand<Json>('migrateInstance', { instance: before.id });
    expect(started).toMatchObject({ mode: 'cold', from: before.host });
    survivor = await startMigrationService({ ...process.env, ...env });

    await eventually(
      async () => {
        const m = await migrationOf(started.id);
        return m.phases.some((p: Json) => p.name === 'stop-source' && p.endedAt) || undefined;
      },
      60_000,
      25,
    );
    await killProcess(doomed, 'SIGKILL');
    const atKill = await migrationOf(started.id);
    expect(ended).not.toContain(atKill.state);

    const done = await eventually(
      async () => {
        const m = await migrationOf(started.id);
        return ended.includes(m.state) ? m : undefined;
      },
      180_000,
      250,
    );
    expect(['succeeded', 'rolled-back']).toContain(done.state);
    const home = done.state === 'succeeded' ? started.to : before.host;

    const after = await eventually(async () => {
      const i = await kvInstance();
      return i.host === home && i.state === 'healthy' ? i : undefined;
    }, 60_000);
    expect(after!.id).toBe(before.id);
    await eventually(() => runningOn(before.id).length === 1, 60_000, 200);
    expect(runningOn(before.id)).toEqual([home]);
    const read = await kv(home, before.id, 'GET', 'answer');
    expect(await read.text()).toBe('forty-two');
    expect((await (await kv(home, before.id, 'GET', 'bulk')).text()).length).toBe(bulk.length);
  }, 300_000);
});
