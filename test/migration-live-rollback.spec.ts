import type { INestMicroservice } from '@nestjs/common';
import { itWhen } from '@federa/testing';
import { qemuMissing } from './agent-qemu-harness';
import { startMigrationWithFaults } from './migration-faulty-ends';
import { qemuProcessesOf } from './qemu-process-table';
import { Fleet } from './supervision-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';
import {
  deployService,
  endedMigration,
  startedMigration,
  healthyInstance,
  planeEnv,
  type Json,
  vmYaml,
} from './migration-fixtures';

const missing = qemuMissing();

/**
 * A live move whose target stops answering once the guest reached it: the source's QEMU has quit
 * (the layer ends it once the guest is sent), so the target's QEMU holds the only copy and the
 * rollback must not destroy it.
 */
describe('a live move that fails after the guest reached its target', () => {
  let plane: ControlPlane;
  let fleet: Fleet;
  let migration: INestMicroservice;

  beforeAll(async () => {
    if (missing) return;
    plane = await startControlPlane('migration_live_rollback');
    fleet = await Fleet.start(plane, ['r1', 'r2'], { layers: ['qemu'] });
    let verifyFailed = false;
    const env = { ...process.env, ...planeEnv(plane) };
    // The target stops answering once the guest arrived: its first verify fails at once, without
    // racing the saga's own probe (which would find the VM running).
    migration = await startMigrationWithFaults(env, {
      awaitHealthy: async (real, move, host) => {
        if (host !== move.to || verifyFailed) return real.awaitHealthy(move, host);
        verifyFailed = true;
        throw new Error(`${move.instance} not healthy on ${host} in time: cut off (test)`);
      },
    });
    await deployService(plane, 'vms', vmYaml);
  }, 120_000);

  afterAll(async () => {
    await migration?.close();
    await fleet?.close();
    await plane?.close();
  });

  itWhen(missing)(
    "keeps the target's VM as the instance: one QEMU runs it, on the target, and the migration says why it failed",
    async () => {
      const before = await healthyInstance(plane, 'vms', 'vm', 90_000);
      const sourcePid = qemuProcessesOf(before.id)[0];
      expect(sourcePid).toBeDefined();

      const answer = await startedMigration(plane, before.id, { mode: 'live' }, 60_000);
      expect(answer.status).toBe(202);
      const target = answer.json.to as string;

      const done: Json = await endedMigration(plane, answer.json.id, 180_000);
      process.stdout.write(`live move that lost its verify: ${done.state}: ${done.reason}\n`);
      expect(done).toMatchObject({
        state: 'failed',
        reason: expect.stringMatching(
          new RegExp(
            `^verify: .*${before.host} holds no copy that can run .*: the copy on ${target} is kept as the instance$`,
          ),
        ),
      });

      const after = await healthyInstance(plane, 'vms', 'vm', 60_000, target);
      expect(after.id).toBe(before.id);
      // The process table, not any report: the guest runs in exactly one QEMU, the target's.
      const running = qemuProcessesOf(before.id);
      expect(running).toHaveLength(1);
      expect(running[0]).not.toBe(sourcePid);
    },
    300_000,
  );
});
