import type { INestMicroservice } from '@nestjs/common';
import { Subjects } from '@federa/contracts';
import { CommandClient, connectNats } from '@federa/messaging';
import { eventually } from '@federa/testing';
import type { NatsConnection } from 'nats';
import { startMigrationService } from './migration-service';
import { Fleet } from './supervision-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';
import { kvStoreApp, planeEnv, serviceYaml, type Instance, type Json } from './migration-fixtures';

const vaultYaml = serviceYaml('vault', [
  kvStoreApp('kv', { lines: ['data: { path: data }'] }),
  kvStoreApp('echo'),
  kvStoreApp('pinned', { lines: ['placement: { relocatable: false }'] }),
]);

/**
 * The migration service in this process beside supervision, placement, inventory and real agents
 * (process layer): moves instances of a service between hosts through its saga.
 */
describe('moving an instance to another host', () => {
  let plane: ControlPlane;
  let fleet: Fleet;
  let migration: INestMicroservice;
  let nc: NatsConnection;
  let client: CommandClient;

  const instances = async (): Promise<Instance[]> =>
    (await plane.call('GET', '/v1/instances?service=vault')).json.items;
  const instanceOf = async (app: string) => (await instances()).find((i) => i.app === app)!;
  const migrationOf = (id: string) => client.sendCommand<Json>('getMigration', { migration: id });
  const kv = (host: string, instance: string, method: string, key: string, body?: string) =>
    fetch(`http://127.0.0.1:${fleet.portOf(host, instance)}/kv/${key}`, { method, body });

  beforeAll(async () => {
    plane = await startControlPlane('migration_move');
    fleet = await Fleet.start(plane, ['m1', 'm2', 'm3']);
    migration = await startMigrationService({ ...process.env, ...planeEnv(plane) });
    nc = await connectNats(plane.settings.natsUrl, 'migration-test');
    client = new CommandClient(nc, new Subjects(plane.prefix), 10_000);
    await plane.call('PUT', '/v1/services/vault', vaultYaml, 'application/yaml');
    await plane.call('POST', '/v1/services/vault/deploy');
    await eventually(
      async () => (await instances()).filter((i) => i.state === 'healthy').length === 3,
      60_000,
      200,
    );
  }, 120_000);

  afterAll(async () => {
    await migration?.close();
    await nc?.drain();
    await fleet?.close();
    await plane?.close();
  });

  it('moves an application with data cold: what was written on its source is read on its target', async () => {
    const before = await instanceOf('kv');
    expect((await kv(before.host, before.id, 'PUT', 'answer', 'forty-two')).status).toBe(200);

    const started = await client.sendCommand<Json>('migrateInstance', { instance: before.id });
    expect(started).toMatchObject({ state: 'pending', mode: 'cold', from: before.host });
    expect(started.to).not.toBe(before.host);

    const done = await eventually(
      async () => {
        const m = await migrationOf(started.id);
        return ['succeeded', 'failed', 'rolled-back'].includes(m.state) ? m : undefined;
      },
      90_000,
      250,
    );
    expect(done).toMatchObject({ state: 'succeeded', to: started.to });
    expect(done.phases.map((p: Json) => p.name)).toEqual([
      'choose-target',
      'stop-source',
      'export',
      'import',
      'start-target',
      'verify',
      'release-source',
    ]);
    expect(done.bytesCopied).toBeGreaterThan(0);
    expect(done.downtimeMs).toBeGreaterThan(0);

    const after = await eventually(async () => {
      const i = await instanceOf('kv');
      return i.host === started.to && i.state === 'healthy' ? i : undefined;
    }, 30_000);
    const read = await kv(after!.host, after!.id, 'GET', 'answer');
    expect(read.status).toBe(200);
    expect(await read.text()).toBe('forty-two');
  }, 120_000);

  it('moves an application without data make-before-break: it answers throughout the move', async () => {
    const before = await instanceOf('echo');
    const started = await client.sendCommand<Json>('migrateInstance', { instance: before.id });
    let unanswered = 0;
    let polls = 0;
    const done = await eventually(
      async () => {
        // Whichever copy the log names answers: the source until the target is verified, then the target.
        const now = await instanceOf('echo');
        polls += 1;
        const ok = await fetch(`http://127.0.0.1:${fleet.portOf(now.host, now.id)}/healthz`)
          .then((r) => r.ok)
          .catch(() => false);
        if (!ok) unanswered += 1;
        const m = await migrationOf(started.id);
        return ['succeeded', 'failed', 'rolled-back'].includes(m.state) ? m : undefined;
      },
      90_000,
      100,
    );
    expect(done).toMatchObject({ state: 'succeeded', downtimeMs: 0, reason: null });
    expect(done.phases.map((p: Json) => p.name)).toEqual([
      'choose-target',
      'start-target',
      'verify',
      'stop-source',
      'release-source',
    ]);
    expect(polls).toBeGreaterThan(0);
    expect(unanswered).toBe(0);
  }, 120_000);

  it('refuses to move a non-relocatable application with 409 naming its rule', async () => {
    const pinned = await instanceOf('pinned');
    await expect(
      client.sendCommand('migrateInstance', { instance: pinned.id }),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('placement.relocatable: false'),
      details: [expect.objectContaining({ filter: 'relocation-ban' })],
    });
  });

  it('rolls back when the target agent dies mid-move: the instance runs on its source again', async () => {
    const before = await instanceOf('kv');
    const target = ['m1', 'm2', 'm3'].find((h) => h !== before.host)!;
    const started = await client.sendCommand<Json>('migrateInstance', {
      instance: before.id,
      to: target,
    });
    // The target goes away once the source has stopped: the import (or the start) cannot happen.
    await eventually(
      async () => {
        const m = await migrationOf(started.id);
        return m.phases.some((p: Json) => p.name === 'stop-source' && p.endedAt) || undefined;
      },
      60_000,
      50,
    );
    await fleet.killHost(target);
    const done = await eventually(
      async () => {
        const m = await migrationOf(started.id);
        return ['succeeded', 'failed', 'rolled-back'].includes(m.state) ? m : undefined;
      },
      180_000,
      250,
    );
    expect(done).toMatchObject({
      state: 'rolled-back',
      // Whichever phase the kill caught once the source stopped (a fast move may be verifying).
      reason: expect.stringMatching(/^(import|start-target|verify): /),
    });
    const after = await eventually(async () => {
      const i = await instanceOf('kv');
      return i.host === before.host && i.state === 'healthy' ? i : undefined;
    }, 30_000);
    expect(after!.id).toBe(before.id);
  }, 240_000);
});
