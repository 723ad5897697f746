import type { INestMicroservice } from '@nestjs/common';
import { eventually } from '@federa/testing';
import { persistedHandle } from './agent-harness';
import { processRuns } from './agent-qemu-harness';
import { startMigrationWithFaults } from './migration-faulty-ends';
import { Fleet } from './supervision-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';

const echoYaml = `
apiVersion: federa/v1
kind: Service
metadata: { name: echoes }
spec:
  applications:
    - name: echo
      layer: process
      artifact: { command: [node, examples/apps/kv-store.js] }
      resources: { cpu: 250m, memory: 128Mi, storage: 0 }
      replicas: { min: 1, max: 1 }
      health: { http: { path: /healthz }, intervalMs: 500, failureThreshold: 3 }
`;

type Instance = { id: string; app: string; host: string; state: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers (migrations), checked by the expectations
type Json = any;

/**
 * A make-before-break move (no data) whose source agent goes away once the target is verified: the
 * source's copy cannot be stopped. The instance runs on its target; the old copy runs on behind its
 * silent agent until that agent comes back, and fencing stops it then.
 */
describe('a move without data whose source agent is gone when its source copy should stop', () => {
  let plane: ControlPlane;
  let fleet: Fleet;
  let migration: INestMicroservice;
  let source = '';

  const instances = async (): Promise<Instance[]> =>
    (await plane.call('GET', '/v1/instances?service=echoes')).json.items;

  beforeAll(async () => {
    plane = await startControlPlane('migration_source_gone');
    fleet = await Fleet.start(plane, ['g1', 'g2']);
    migration = await startMigrationWithFaults(
      {
        ...process.env,
        FEDERA_DATABASE_URL: plane.database.url,
        FEDERA_NATS_URL: plane.settings.natsUrl,
        FEDERA_SUBJECT_PREFIX: plane.prefix,
      },
      {
        // The source's agent stops just as the saga comes to stop the source's copy.
        stopSource: async (real, move) => {
          if (fleet.agents.has(move.from)) await fleet.silenceHost(move.from);
          return real.stopSource(move);
        },
      },
    );
    expect(
      (await plane.call('PUT', '/v1/services/echoes', echoYaml, 'application/yaml')).status,
    ).toBe(200);
    expect((await plane.call('POST', '/v1/services/echoes/deploy')).status).toBe(202);
  }, 120_000);

  afterAll(async () => {
    await migration?.close();
    await fleet?.close();
    await plane?.close();
  });

  it('ends failed with the instance healthy on its target, and the old copy is stopped once its agent is back', async () => {
    const before = (await eventually(async () => {
      const echo = (await instances()).find((i) => i.app === 'echo');
      return echo?.state === 'healthy' ? echo : undefined;
    }, 60_000))!;
    source = before.host;
    const sourceDir = fleet.agents.get(source)!.dataDir;
    const oldPid = persistedHandle(sourceDir, before.id).pid;

    const answer = await plane.call('POST', `/v1/instances/${before.id}/migrate`, {});
    expect(answer.status).toBe(202);
    const target = answer.json.to as string;
    const done: Json = await eventually(
      async () => {
        const m = (await plane.call('GET', `/v1/migrations/${answer.json.id}`)).json;
        return ['succeeded', 'failed', 'rolled-back'].includes(m.state) ? m : undefined;
      },
      120_000,
      250,
    );
    process.stdout.write(`move whose source agent left: ${done.state}: ${done.reason}\n`);
    expect(done).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(
        new RegExp(
          `^stop-source: .*; the instance runs on ${target}: its copy on ${source} is stopped by fencing once ${source}'s agent is back$`,
        ),
      ),
    });
    const moved = await eventually(async () => {
      const echo = (await instances()).find((i) => i.app === 'echo');
      return echo?.host === target && echo.state === 'healthy' ? echo : undefined;
    }, 60_000);
    expect(moved!.id).toBe(before.id);
    // Its agent is silent, not its host: the old copy still runs, and no one can stop it yet.
    expect(processRuns(oldPid)).toBe(true);

    await fleet.startHost(source);
    await eventually(async () => !processRuns(oldPid) || undefined, 60_000);
    const after = (await instances()).find((i) => i.app === 'echo');
    expect(after).toMatchObject({ id: before.id, host: target, state: 'healthy' });
  }, 240_000);
});
