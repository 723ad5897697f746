import type { INestMicroservice } from '@nestjs/common';
import { itWhen } from '@federa/testing';
import { chooseAccelerator } from '../services/agent/src/layers/qemu/accelerator-probe';
import { qemuMissing } from './agent-qemu-harness';
import { startMigrationService } from './migration-service';
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
 * A running VM moves between two real agents with the qemu layer through the whole saga
 * (`POST /v1/instances/{id}/migrate` with mode live): the target's QEMU receives the guest while
 * the source's quits, and the migration records the downtime the layer measured.
 */
describe('live-moving a qemu instance through the migration saga', () => {
  let plane: ControlPlane;
  let fleet: Fleet;
  let migration: INestMicroservice;

  beforeAll(async () => {
    if (missing) return;
    plane = await startControlPlane('migration_qemu');
    fleet = await Fleet.start(plane, ['q1', 'q2'], { layers: ['qemu'] });
    migration = await startMigrationService({ ...process.env, ...planeEnv(plane) });
    await deployService(plane, 'vms', vmYaml);
  }, 120_000);

  afterAll(async () => {
    await migration?.close();
    await fleet?.close();
    await plane?.close();
  });

  itWhen(missing)(
    'moves the running VM live: the migration succeeds with a live transfer, one QEMU runs it, on the target',
    async () => {
      const accelerator = (await chooseAccelerator('qemu-system-x86_64')).accelerator;
      process.stdout.write(`qemu accelerator: ${accelerator}\n`);
      const before = await healthyInstance(plane, 'vms', 'vm', 90_000);
      expect(qemuProcessesOf(before.id)).toHaveLength(1);
      const sourcePid = qemuProcessesOf(before.id)[0];

      const answer = await startedMigration(plane, before.id, { mode: 'live' }, 60_000);
      expect(answer.status).toBe(202);
      expect(answer.json).toMatchObject({ mode: 'live', from: before.host });
      const target = answer.json.to as string;
      expect(target).not.toBe(before.host);

      const done: Json = await endedMigration(plane, answer.json.id, 120_000);
      process.stdout.write(`live move through the saga: downtime ${done.downtimeMs} ms\n`);
      expect(done).toMatchObject({ state: 'succeeded', to: target, reason: null });
      expect(done.phases.map((p: Json) => p.name)).toEqual([
        'choose-target',
        'live-transfer',
        'verify',
        'release-source',
      ]);
      expect(typeof done.downtimeMs).toBe('number');

      const after = await healthyInstance(plane, 'vms', 'vm', 60_000, target);
      expect(after.id).toBe(before.id);
      // The process table, not any report: the source's QEMU is gone, the target's alone runs the guest.
      const running = qemuProcessesOf(before.id);
      expect(running).toHaveLength(1);
      expect(running[0]).not.toBe(sourcePid);
    },
    240_000,
  );
});
