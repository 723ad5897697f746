import { streamIds } from '@federa/contracts';
import { InMemoryEventStore } from '@federa/eventstore/in-memory';
import {
  evolveInstanceLife,
  initialInstanceLife,
  type InstanceEvent,
} from '@federa/instance-lifecycle';
import { migrationDecider } from '../domain/migration-saga';
import { migrationView } from '../domain/migration-view';
import type { MigrationEnds, MigrationLedger, MovingInstance } from './migration-ends';
import { commandIdOf } from './migration-ends';
import { MigrationRunner } from './migration-runner';
import type { SagaOwnership } from './saga-ownership';
import {
  healthyOnHostA,
  metadata,
  migratingToHostB,
  ref,
} from '../testing/healthy-instance.fixture';

/** An instance healthy on host-a, and a migration of it to host-b recorded (pending). */
async function given(store: InMemoryEventStore, shape: { live?: boolean; stateful?: boolean }) {
  await healthyOnHostA(store);
  const started = migrationDecider.decide(
    {
      type: 'start',
      migration: 'm-1',
      instance: ref.instance,
      service: ref.service,
      app: ref.app,
      from: 'host-a',
      to: 'host-b',
      live: shape.live ?? false,
      stateful: shape.stateful ?? false,
      reason: 'requested',
      chosenFrom: new Date(0).toISOString(),
      chosenAt: new Date(1).toISOString(),
    },
    migrationDecider.initialState(),
  );
  await store.append(
    streamIds.migration('m-1'),
    'no-stream',
    (Array.isArray(started) ? started : [started]).map((e) => ({ ...e, metadata })),
  );
}

/** Agents that record what they were asked, in order, and fail where told. */
class ScriptedEnds implements MigrationEnds {
  readonly calls: string[] = [];
  failOn?: string;
  /** failOn fails only its first call. */
  failOnce = false;
  sourceUp = true;
  /** What the source holds when asked to run its copy again. */
  sourceCopy: 'runs' | 'gone' | 'unreachable' = 'runs';
  private step(name: string): void {
    this.calls.push(name);
    if (this.failOn !== name) return;
    if (this.failOnce) this.failOn = undefined;
    throw new Error(`agent on host-b went away during ${name}`);
  }
  async stopSource(): Promise<void> {
    this.step('stop-source');
  }
  async exportData(_move?: MovingInstance): Promise<{ key: string; bytes: number }> {
    this.step('export');
    return { key: 'k', bytes: 2048 };
  }
  async importData(_move: MovingInstance, key: string): Promise<void> {
    this.step(`import ${key}`);
  }
  async startTarget(): Promise<void> {
    this.step('start-target');
  }
  async awaitHealthy(_move: MovingInstance, host: string): Promise<void> {
    this.step(`healthy on ${host}`);
  }
  async liveTransfer(): Promise<{ bytes?: number; downtimeMs: number }> {
    this.step('live-transfer');
    return { bytes: 4096, downtimeMs: 35 };
  }
  async stopTarget(): Promise<void> {
    this.step('stop-target');
  }
  async startSource(): Promise<void> {
    this.step('start-source');
  }
  async resumeSource(
    _move?: MovingInstance,
  ): Promise<{ copy: 'runs' } | { copy: 'gone'; why: string }> {
    this.step('resume-source');
    if (this.sourceCopy === 'unreachable') throw new Error('agent host-a did not answer resume');
    return this.sourceCopy === 'runs'
      ? { copy: 'runs' }
      : { copy: 'gone', why: 'no instance shop-db-a1b2c3 on this host' };
  }
  async hostAvailable(host: string): Promise<boolean> {
    return host !== 'host-a' || this.sourceUp;
  }
}

class RecordingLedger implements MigrationLedger {
  readonly released: string[] = [];
  async release(_move: MovingInstance, host: string): Promise<void> {
    this.released.push(host);
  }
}

async function instanceOf(store: InMemoryEventStore) {
  const { events } = await store.readStream(streamIds.instance(ref.instance));
  return events.reduce(
    (life, e) => evolveInstanceLife(life, { type: e.type, data: e.data } as InstanceEvent),
    initialInstanceLife(),
  );
}

describe('running a migration', () => {
  let store: InMemoryEventStore;
  let ends: ScriptedEnds;
  let ledger: RecordingLedger;
  let runner: MigrationRunner;
  beforeEach(() => {
    store = new InMemoryEventStore();
    ends = new ScriptedEnds();
    ledger = new RecordingLedger();
    runner = new MigrationRunner(store, ends, ledger, { sleep: async () => undefined });
  });

  it('moves an instance with data: stop, export, import, start, verify, then release the source', async () => {
    await given(store, { stateful: true });
    const state = await runner.run('m-1');
    expect(ends.calls).toEqual([
      'stop-source',
      'export',
      'import shop-db-a1b2c3/m-1',
      'start-target',
      'healthy on host-b',
    ]);
    expect(ledger.released).toEqual(['host-a']);
    expect(migrationView(state)).toMatchObject({
      state: 'succeeded',
      bytesCopied: 2048,
      downtimeMs: expect.any(Number),
    });
    expect(migrationView(state).phases.map((p) => p.name)).toEqual([
      'choose-target',
      'stop-source',
      'export',
      'import',
      'start-target',
      'verify',
      'release-source',
    ]);
    expect(await instanceOf(store)).toMatchObject({ status: 'healthy', host: 'host-b' });
  });

  it('starts a stateless instance on its target and verifies it before stopping its source', async () => {
    await given(store, {});
    await runner.run('m-1');
    expect(ends.calls).toEqual(['start-target', 'healthy on host-b', 'stop-source']);
    expect(await instanceOf(store)).toMatchObject({ status: 'healthy', host: 'host-b' });
  });

  it('moves a live instance by the layer and records the downtime it measured', async () => {
    await given(store, { live: true, stateful: true });
    const state = await runner.run('m-1');
    expect(ends.calls).toEqual(['live-transfer', 'healthy on host-b']);
    expect(migrationView(state)).toMatchObject({
      state: 'succeeded',
      downtimeMs: 35,
      bytesCopied: 4096,
    });
  });

  it('rolls back a failed import: the target copy goes, the source starts again and the instance is on its source', async () => {
    await given(store, { stateful: true });
    ends.failOn = 'import shop-db-a1b2c3/m-1';
    const state = await runner.run('m-1');
    expect(ends.calls).toEqual([
      'stop-source',
      'export',
      'import shop-db-a1b2c3/m-1',
      'stop-target',
      'start-source',
      'healthy on host-a',
    ]);
    expect(ledger.released).toEqual(['host-b']);
    expect(migrationView(state)).toMatchObject({
      state: 'rolled-back',
      reason: expect.stringMatching(/^import: agent on host-b went away/),
    });
    expect(await instanceOf(store)).toMatchObject({ status: 'running', host: 'host-a' });
    const { events } = await store.readStream(streamIds.instance(ref.instance));
    expect(events.at(-1)).toMatchObject({
      type: 'InstanceMigrationAborted',
      data: { host: 'host-a', migration: 'm-1', reason: expect.stringMatching(/^import: /) },
    });
  });

  it('rolls back once the target that cannot be cleaned is down: its copy is left to fencing', async () => {
    await given(store, { stateful: true });
    ends.failOn = 'import shop-db-a1b2c3/m-1';
    ends.stopTarget = async () => {
      ends.calls.push('stop-target');
      throw new Error('agent host-b did not answer');
    };
    ends.hostAvailable = async (host: string) => host !== 'host-b';
    const state = await runner.run('m-1');
    expect(migrationView(state).state).toBe('rolled-back');
    expect(ends.calls.slice(-3)).toEqual(['stop-target', 'start-source', 'healthy on host-a']);
  });

  it('goes forward when the source is gone after the export: the target is started again and the move completes', async () => {
    await given(store, { stateful: true });
    ends.failOn = 'start-target';
    ends.failOnce = true;
    ends.sourceUp = false;
    const state = await runner.run('m-1');
    expect(ends.calls).toEqual([
      'stop-source',
      'export',
      'import shop-db-a1b2c3/m-1',
      'start-target',
      'start-target',
      'healthy on host-b',
    ]);
    expect(migrationView(state).state).toBe('succeeded');
    expect(await instanceOf(store)).toMatchObject({ status: 'healthy', host: 'host-b' });
  });

  it('never destroys the imported copy when the source is gone and the target keeps failing: it is kept as the instance', async () => {
    await given(store, { stateful: true });
    ends.failOn = 'start-target';
    ends.sourceUp = false;
    const state = await runner.run('m-1');
    expect(ends.calls).not.toContain('stop-target');
    expect(ends.calls.filter((c) => c === 'start-target')).toHaveLength(5);
    expect(migrationView(state)).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(
        /^start-target: .*; host-a is not available: the copy of its newest data on host-b is kept as the instance$/,
      ),
    });
    expect(await instanceOf(store)).toMatchObject({ host: 'host-b' });
    expect((await instanceOf(store)).status).not.toBe('migrating');
  });

  it('ends failed with the reason when the source is gone before its data was exported, and stops what the target holds', async () => {
    await given(store, { stateful: true });
    ends.failOn = 'export';
    ends.sourceUp = false;
    const state = await runner.run('m-1');
    expect(migrationView(state)).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/^export:/),
    });
    expect(ends.calls.at(-1)).toBe('stop-target');
    expect(await instanceOf(store)).toMatchObject({ status: 'running', host: 'host-a' });
  });

  it('starts the source of a cold move with data again only once the target copy is confirmed stopped', async () => {
    await given(store, { stateful: true });
    ends.failOn = 'import shop-db-a1b2c3/m-1';
    let refusals = 2;
    ends.stopTarget = async () => {
      ends.calls.push('stop-target');
      if (refusals-- > 0) throw new Error('agent host-b did not answer');
    };
    const state = await runner.run('m-1');
    expect(ends.calls.slice(-5)).toEqual([
      'stop-target',
      'stop-target',
      'stop-target',
      'start-source',
      'healthy on host-a',
    ]);
    expect(migrationView(state).state).toBe('rolled-back');
  });

  it('fails a move whose instance was failed under it before verify, moving nothing more', async () => {
    await given(store, { stateful: true });
    ends.stopSource = async () => {
      ends.calls.push('stop-source');
      const { version } = await store.readStream(streamIds.instance(ref.instance));
      await store.append(streamIds.instance(ref.instance), version, [
        {
          type: 'InstanceFailed',
          data: {
            ...ref,
            host: 'host-a',
            reason: 'host host-a down',
            cause: 'host-down',
            restarts: 0,
          },
          metadata,
        },
      ]);
    };
    const state = await runner.run('m-1');
    expect(ends.calls).toEqual(['stop-source']);
    expect(migrationView(state)).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/is no longer moving under this migration \(it is failed/),
    });
  });

  it('rolls back a cold move with data whose source cannot be stopped: its copy there is started again', async () => {
    await given(store, { stateful: true });
    ends.failOn = 'stop-source';
    const state = await runner.run('m-1');
    expect(ends.calls).toEqual(['stop-source', 'start-source', 'healthy on host-a']);
    expect(ledger.released).toEqual(['host-b']);
    expect(migrationView(state)).toMatchObject({
      state: 'rolled-back',
      reason: expect.stringMatching(/^stop-source: /),
    });
    expect(await instanceOf(store)).toMatchObject({ status: 'running', host: 'host-a' });
  });

  it('retries stopping the source of a move without data, then ends failed with the instance on its target and its old copy left to fencing', async () => {
    await given(store, {});
    ends.failOn = 'stop-source';
    const state = await runner.run('m-1');
    expect(ends.calls).toEqual([
      'start-target',
      'healthy on host-b',
      'stop-source',
      'stop-source',
      'stop-source',
      'stop-source',
      'stop-source',
    ]);
    expect(migrationView(state)).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(
        /^stop-source: .*; the instance runs on host-b: its copy on host-a is stopped by fencing once host-a's agent is back$/,
      ),
    });
    expect(await instanceOf(store)).toMatchObject({ status: 'healthy', host: 'host-b' });
  });

  it('rolls a failed live move back to its source by resuming the copy there before the target copy goes', async () => {
    await given(store, { live: true, stateful: true });
    ends.failOn = 'healthy on host-b';
    const state = await runner.run('m-1');
    expect(ends.calls).toEqual([
      'live-transfer',
      'healthy on host-b',
      'resume-source',
      'stop-target',
      'healthy on host-a',
    ]);
    expect(migrationView(state).state).toBe('rolled-back');
    expect(await instanceOf(store)).toMatchObject({ status: 'running', host: 'host-a' });
  });

  it('never destroys the target copy of a live move whose source sent the guest away: it is kept as the instance', async () => {
    await given(store, { live: true, stateful: true });
    ends.failOn = 'healthy on host-b';
    ends.sourceCopy = 'gone';
    const state = await runner.run('m-1');
    expect(ends.calls).toEqual(['live-transfer', 'healthy on host-b', 'resume-source']);
    expect(ledger.released).toEqual([]);
    expect(migrationView(state)).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(
        /^verify: .*rollback failed: host-a holds no copy that can run \(no instance shop-db-a1b2c3 on this host\): the copy on host-b is kept as the instance$/,
      ),
    });
    expect(await instanceOf(store)).toMatchObject({ status: 'running', host: 'host-b' });
  });

  it('keeps the target copy of a live move whose source host is down once the target runs the guest', async () => {
    await given(store, { live: true, stateful: true });
    ends.failOn = 'healthy on host-b';
    ends.failOnce = true;
    ends.sourceUp = false;
    const state = await runner.run('m-1');
    expect(ends.calls).toEqual(['live-transfer', 'healthy on host-b', 'healthy on host-b']);
    expect(migrationView(state)).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(
        /^verify: .*; host-a cannot be reached \(host-a is not available\): the copy on host-b is kept as the instance$/,
      ),
    });
    expect(await instanceOf(store)).toMatchObject({ status: 'running', host: 'host-b' });
  });

  it('decides nothing while the source host is up but its agent does not answer: it asks again until one end answers', async () => {
    await given(store, { live: true, stateful: true });
    ends.failOn = 'healthy on host-b';
    ends.failOnce = true;
    let asks = 0;
    const ids: string[] = [];
    ends.resumeSource = async (move: MovingInstance) => {
      ends.calls.push('resume-source');
      ids.push(commandIdOf(move, 'resume-source'));
      asks += 1;
      // Queued behind the migrate-out, which then completes: the guest runs on the target.
      if (asks === 1) throw new Error('resume on host-a: no outcome in 120000 ms');
      return { copy: 'gone' as const, why: 'no instance shop-db-a1b2c3 on this host' };
    };
    let targetProbes = 0;
    ends.awaitHealthy = async (_move: MovingInstance, host: string) => {
      ends.calls.push(`healthy on ${host}`);
      if (host === 'host-b' && ++targetProbes <= 2) throw new Error('not healthy yet');
    };
    const state = await runner.run('m-1');
    expect(ends.calls).toEqual([
      'live-transfer',
      'healthy on host-b',
      'resume-source',
      'healthy on host-b',
      'resume-source',
    ]);
    expect(new Set(ids).size).toBe(2);
    expect(ends.calls).not.toContain('stop-target');
    expect(migrationView(state)).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/the copy on host-b is kept as the instance$/),
    });
    expect(await instanceOf(store)).toMatchObject({ host: 'host-b' });
  });

  it('touches neither copy of a live move when its source host is down and its target does not run it', async () => {
    await given(store, { live: true, stateful: true });
    ends.failOn = 'healthy on host-b';
    ends.sourceUp = false;
    const state = await runner.run('m-1');
    expect(ends.calls).toEqual(['live-transfer', 'healthy on host-b', 'healthy on host-b']);
    expect(migrationView(state)).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/neither copy was touched$/),
    });
    // Back on its down source in the log, for supervision to look after as any instance there.
    expect(await instanceOf(store)).toMatchObject({ status: 'running', host: 'host-a' });
  });

  it('ends failed, touching nothing, when the instance stopped before its move began', async () => {
    await given(store, { stateful: true });
    await store.append(streamIds.instance(ref.instance), 5, [
      { type: 'InstanceStopped', data: { ...ref, host: 'host-a', reason: 'requested' }, metadata },
    ]);
    const state = await runner.run('m-1');
    expect(migrationView(state)).toMatchObject({
      state: 'failed',
      reason: expect.stringContaining('only a running instance can be moved'),
    });
    expect(ends.calls).toEqual([]);
  });

  it('resumes from its stream: a phase another replica ended is not done again', async () => {
    await given(store, { stateful: true });
    await runner.run('m-1');
    const calls = ends.calls.length;
    await runner.run('m-1');
    expect(ends.calls).toHaveLength(calls);
  });
});

/** Owner leases as one replica sees them: held until `lose` is called. */
class ScriptedOwnership implements SagaOwnership {
  readonly held = new Set<string>(['m-1']);
  released: string[] = [];
  async claim(migration: string): Promise<boolean> {
    if (this.held.has(migration)) return false;
    this.held.add(migration);
    return true;
  }
  async owns(migration: string): Promise<boolean> {
    return this.held.has(migration);
  }
  async release(migration: string): Promise<void> {
    this.held.delete(migration);
    this.released.push(migration);
  }
  lose(): void {
    this.held.clear();
  }
}

/** Appends what a dead owner recorded before it stopped: the phases begun and ended, in order. */
async function recorded(store: InMemoryEventStore, steps: Array<['begin' | 'end', string]>) {
  for (const [step, phase] of steps) {
    const { events, version } = await store.readStream(streamIds.migration('m-1'));
    const state = events.reduce(
      (s, e) => migrationDecider.evolve(s, e as Parameters<typeof migrationDecider.evolve>[1]),
      migrationDecider.initialState(),
    );
    const decided = migrationDecider.decide(
      step === 'begin'
        ? { type: 'begin-phase', phase: phase as never, at: new Date(2).toISOString() }
        : { type: 'complete-phase', phase: phase as never, at: new Date(3).toISOString() },
      state,
    );
    await store.append(
      streamIds.migration('m-1'),
      version,
      (Array.isArray(decided) ? decided : [decided]).map((e) => ({ ...e, metadata })),
    );
  }
}

describe('one owner per migration', () => {
  let store: InMemoryEventStore;
  let ends: ScriptedEnds;
  let ownership: ScriptedOwnership;
  let runner: MigrationRunner;
  const attempts: Array<string | undefined> = [];
  beforeEach(() => {
    store = new InMemoryEventStore();
    ends = new ScriptedEnds();
    ownership = new ScriptedOwnership();
    attempts.length = 0;
    const exportData = ends.exportData.bind(ends);
    ends.exportData = async (move: MovingInstance) => {
      attempts.push(move.attempt);
      return exportData();
    };
    runner = new MigrationRunner(store, ends, new RecordingLedger(), {
      sleep: async () => undefined,
      ownership,
    });
  });

  it('stops without another agent command once its owner lease is lost, and gives it back', async () => {
    await given(store, { stateful: true });
    const exportData = ends.exportData;
    ends.exportData = async (move: MovingInstance) => {
      const answer = await exportData(move);
      ownership.lose();
      return answer;
    };
    const state = await runner.run('m-1');
    expect(ends.calls).toEqual(['stop-source', 'export']);
    expect(state.status).toBe('running');
    expect(ownership.released).toEqual(['m-1']);
  });

  it('gives its owner lease back when the saga cannot be read, so that the saga can be taken over', async () => {
    await given(store, { stateful: true });
    jest
      .spyOn(store, 'readStream')
      .mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
    await expect(runner.run('m-1')).rejects.toThrow('Connection terminated unexpectedly');
    expect(ends.calls).toEqual([]);
    expect(ownership.released).toEqual(['m-1']);
    expect(await ownership.claim('m-1')).toBe(true);
  });

  it('stops when another runner appended to the saga meanwhile, rather than deciding again', async () => {
    await given(store, { stateful: true });
    const exportData = ends.exportData;
    ends.exportData = async (move: MovingInstance) => {
      const answer = await exportData(move);
      // Another owner (this one's lease thought held) ends the phase first.
      await recorded(store, [['end', 'export']]);
      return answer;
    };
    const state = await runner.run('m-1');
    expect(ends.calls).toEqual(['stop-source', 'export']);
    expect(state.phases.find((p) => p.name === 'export')?.endedAt).toBeUndefined();
    const { events } = await store.readStream(streamIds.migration('m-1'));
    const exports = events.filter(
      (e) =>
        e.type === 'MigrationPhaseCompleted' && (e.data as { phase: string }).phase === 'export',
    );
    expect(exports.map((e) => e.metadata.actor)).toEqual(['test']);
  });

  it('resumes a saga taken over mid-phase: the running phase is done again under command ids of its own', async () => {
    await given(store, { stateful: true });
    await migratingToHostB(store);
    await recorded(store, [
      ['begin', 'stop-source'],
      ['end', 'stop-source'],
      ['begin', 'export'],
    ]);
    const state = await runner.run('m-1', { adopted: true });
    expect(ends.calls).toEqual([
      'export',
      'import shop-db-a1b2c3/m-1',
      'start-target',
      'healthy on host-b',
    ]);
    expect(attempts).toEqual([expect.stringMatching(/^a[0-9a-f]{8}$/)]);
    expect(migrationView(state).state).toBe('succeeded');
    expect(await instanceOf(store)).toMatchObject({ status: 'healthy', host: 'host-b' });
  });

  it('moves the instance to its target when the dead owner verified it but stopped before the log said so', async () => {
    await given(store, {});
    await migratingToHostB(store);
    await recorded(store, [
      ['begin', 'start-target'],
      ['end', 'start-target'],
      ['begin', 'verify'],
      ['end', 'verify'],
    ]);
    const state = await runner.run('m-1', { adopted: true });
    expect(ends.calls).toEqual(['stop-source']);
    expect(migrationView(state).state).toBe('succeeded');
    expect(await instanceOf(store)).toMatchObject({ status: 'healthy', host: 'host-b' });
  });

  it('finishes a rollback the dead owner began, once, with the instance back on its source', async () => {
    await given(store, { stateful: true });
    await migratingToHostB(store);
    await recorded(store, [
      ['begin', 'stop-source'],
      ['end', 'stop-source'],
      ['begin', 'export'],
    ]);
    const { version } = await store.readStream(streamIds.migration('m-1'));
    await store.append(streamIds.migration('m-1'), version, [
      {
        type: 'MigrationRollingBack',
        data: { migration: 'm-1', instance: ref.instance, phase: 'export', reason: 'export: gone' },
        metadata,
      },
    ]);
    const state = await runner.run('m-1', { adopted: true });
    expect(ends.calls).toEqual(['start-source', 'healthy on host-a']);
    expect(migrationView(state).state).toBe('rolled-back');
    expect(await instanceOf(store)).toMatchObject({ status: 'running', host: 'host-a' });
  });
});

describe('a live rollback taken over from a dead owner', () => {
  it('asks the source for its copy before anything else, and keeps the target copy when the source has none', async () => {
    const store = new InMemoryEventStore();
    const ends = new ScriptedEnds();
    ends.sourceCopy = 'gone';
    await given(store, { live: true, stateful: true });
    await migratingToHostB(store);
    await recorded(store, [
      ['begin', 'live-transfer'],
      ['end', 'live-transfer'],
      ['begin', 'verify'],
    ]);
    const { version } = await store.readStream(streamIds.migration('m-1'));
    await store.append(streamIds.migration('m-1'), version, [
      {
        type: 'MigrationRollingBack',
        data: { migration: 'm-1', instance: ref.instance, phase: 'verify', reason: 'verify: late' },
        metadata,
      },
    ]);
    const runner = new MigrationRunner(store, ends, new RecordingLedger(), {
      sleep: async () => undefined,
    });
    const state = await runner.run('m-1', { adopted: true });
    expect(ends.calls).toEqual(['resume-source']);
    expect(migrationView(state)).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/^verify: late; rollback failed: .*kept as the instance$/),
    });
    expect(await instanceOf(store)).toMatchObject({ status: 'running', host: 'host-b' });
  });
});

describe('command ids of a migration', () => {
  it('are the same for every send by one owner and differ for an owner that took the saga over', () => {
    expect(commandIdOf({ migration: 'mig-1' }, 'export')).toBe('mig-1-export');
    expect(commandIdOf({ migration: 'mig-1', attempt: 'a1b2c3d4' }, 'export')).toBe(
      'mig-1-export-a1b2c3d4',
    );
  });
});
