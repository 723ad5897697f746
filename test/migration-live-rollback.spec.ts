import type { INestMicroservice } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NatsConnection } from 'nats';
import { Subjects } from '@federa/contracts';
import type { EventStore } from '@federa/eventstore';
import { CommandExceptionFilter, CommandTransport } from '@federa/messaging';
import { eventually, itWhen } from '@federa/testing';
import { loadMigrationConfig } from '../services/migration/src';
import { AgentEnds } from '../services/migration/src/infrastructure/agent-ends';
import { ClusterReader } from '../services/migration/src/infrastructure/cluster-reader';
import {
  EVENT_STORE,
  NATS_CONNECTION,
} from '../services/migration/src/infrastructure/migration-tokens';
import { PostgresSagaOwnership } from '../services/migration/src/infrastructure/postgres-saga-ownership';
import { MigrationModule } from '../services/migration/src/migration.module';
import type { MovingInstance } from '../services/migration/src/saga/migration-ends';
import { MigrationRunner } from '../services/migration/src/saga/migration-runner';
import { qemuMissing } from './agent-qemu-harness';
import { qemuProcessesOf } from './qemu-process-table';
import { Fleet } from './supervision-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';

const vmYaml = `
apiVersion: federa/v1
kind: Service
metadata: { name: vms }
spec:
  applications:
    - name: vm
      layer: qemu
      artifact: {}
      resources: { cpu: 500m, memory: 128Mi, storage: 0 }
      replicas: { min: 1, max: 1 }
`;

type Instance = { id: string; app: string; host: string; state: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers (migrations), checked by the expectations
type Json = any;

const missing = qemuMissing();

/**
 * The real agents' ends, except that the first verify on a move's target fails at once: the fault
 * this test is about (the target stops answering just after the guest arrived there) without a
 * race against the saga's own probe. Every command still goes to the real agents.
 */
function verifyFailsOnce(ends: AgentEnds): AgentEnds {
  let failed = false;
  return new Proxy(ends, {
    get(target, property) {
      if (property === 'awaitHealthy') {
        return async (move: MovingInstance, host: string) => {
          if (host === move.to && !failed) {
            failed = true;
            throw new Error(`${move.instance} not healthy on ${host} in time: cut off (test)`);
          }
          return target.awaitHealthy(move, host);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

/** The migration service as main.ts runs it, its runner on verifyFailsOnce ends. */
async function startMigrationWithFailingVerify(env: NodeJS.ProcessEnv): Promise<INestMicroservice> {
  const config = loadMigrationConfig(env);
  const subjects = new Subjects(config.federa.subjectPrefix);
  const module = await Test.createTestingModule({ imports: [MigrationModule.forRoot(config)] })
    .overrideProvider(MigrationRunner)
    .useFactory({
      inject: [EVENT_STORE, NATS_CONNECTION, PostgresSagaOwnership],
      factory: (store: EventStore, nc: NatsConnection, ownership: PostgresSagaOwnership) => {
        const ends = verifyFailsOnce(new AgentEnds(nc, subjects, new ClusterReader(store)));
        return new MigrationRunner(store, ends, ends, { ownership });
      },
    })
    .compile();
  const app = module.createNestMicroservice({
    strategy: new CommandTransport({
      natsUrl: config.federa.natsUrl,
      subjectPrefix: config.federa.subjectPrefix,
      service: 'migration',
    }),
    logger: ['error'],
  });
  app.useGlobalFilters(new CommandExceptionFilter());
  await app.listen();
  return app;
}

/**
 * A live move whose target stops answering once the guest reached it: the source's QEMU has quit
 * (the layer ends it once the guest is sent), so the target's QEMU holds the only copy and the
 * rollback must not destroy it.
 */
describe('a live move that fails after the guest reached its target', () => {
  let plane: ControlPlane;
  let fleet: Fleet;
  let migration: INestMicroservice;

  const instances = async (): Promise<Instance[]> =>
    (await plane.call('GET', '/v1/instances?service=vms')).json.items;

  beforeAll(async () => {
    if (missing) return;
    plane = await startControlPlane('migration_live_rollback');
    fleet = await Fleet.start(plane, ['r1', 'r2'], { layers: ['qemu'] });
    migration = await startMigrationWithFailingVerify({
      ...process.env,
      FEDERA_DATABASE_URL: plane.database.url,
      FEDERA_NATS_URL: plane.settings.natsUrl,
      FEDERA_SUBJECT_PREFIX: plane.prefix,
    });
    expect((await plane.call('PUT', '/v1/services/vms', vmYaml, 'application/yaml')).status).toBe(
      200,
    );
    expect((await plane.call('POST', '/v1/services/vms/deploy')).status).toBe(202);
  }, 120_000);

  afterAll(async () => {
    await migration?.close();
    await fleet?.close();
    await plane?.close();
  });

  itWhen(missing)(
    "keeps the target's VM as the instance: one QEMU runs it, on the target, and the migration says why it failed",
    async () => {
      const before = (await eventually(async () => {
        const vm = (await instances()).find((i) => i.app === 'vm');
        return vm?.state === 'healthy' ? vm : undefined;
      }, 90_000))!;
      const sourcePid = qemuProcessesOf(before.id)[0];
      expect(sourcePid).toBeDefined();

      const answer = await plane.call('POST', `/v1/instances/${before.id}/migrate`, {
        mode: 'live',
      });
      expect(answer.status).toBe(202);
      const target = answer.json.to as string;

      const done: Json = await eventually(
        async () => {
          const m = (await plane.call('GET', `/v1/migrations/${answer.json.id}`)).json;
          return ['succeeded', 'failed', 'rolled-back'].includes(m.state) ? m : undefined;
        },
        180_000,
        250,
      );
      process.stdout.write(`live move that lost its verify: ${done.state}: ${done.reason}\n`);
      expect(done).toMatchObject({
        state: 'failed',
        reason: expect.stringMatching(
          new RegExp(
            `^verify: .*${before.host} holds no copy that can run .*: the copy on ${target} is kept as the instance$`,
          ),
        ),
      });

      const after = await eventually(async () => {
        const vm = (await instances()).find((i) => i.app === 'vm');
        return vm?.host === target && vm.state === 'healthy' ? vm : undefined;
      }, 60_000);
      expect(after!.id).toBe(before.id);
      // The process table, not any report: the guest runs in exactly one QEMU, the target's.
      const running = qemuProcessesOf(before.id);
      expect(running).toHaveLength(1);
      expect(running[0]).not.toBe(sourcePid);
    },
    300_000,
  );
});
