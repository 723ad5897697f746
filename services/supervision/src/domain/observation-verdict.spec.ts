import type { InstanceLife } from '@federa/instance-lifecycle';
import { judgeObservation, type HeldInstance } from './observation-verdict';

const life = (status: InstanceLife['status'], extra: Partial<InstanceLife> = {}): InstanceLife => ({
  status,
  service: 'shop',
  app: 'db',
  instance: 'shop-db-1',
  host: 'h1',
  revision: 1,
  ...extra,
});
const held = (state: string, extra: Partial<HeldInstance> = {}): HeldInstance => ({
  host: 'h1',
  instance: 'shop-db-1',
  state,
  epoch: 2,
  ...extra,
});

describe('judging what an agent says it holds', () => {
  it('adopts a live instance the log places on that host', () => {
    for (const status of ['placed', 'starting', 'running', 'healthy', 'unhealthy', 'lost'] as const)
      expect(judgeObservation(held('healthy'), { life: life(status), hostEpoch: 2 })).toEqual({
        kind: 'adopt',
      });
  });

  it('adopts what the returning agent of a lost instance says of it, in whatever state it holds it', () => {
    for (const state of ['starting', 'stopping', 'paused', 'migrating', 'running'])
      expect(
        judgeObservation(held(state, { epoch: 3 }), { life: life('lost'), hostEpoch: 3 }),
      ).toEqual({ kind: 'adopt' });
  });

  it('fences a paused copy of an instance the log has ended, which resumed would run twice', () => {
    expect(
      judgeObservation(held('paused'), {
        life: life('failed', { reason: 'host h1 down' }),
        hostEpoch: 2,
      }),
    ).toEqual({ kind: 'fence', reason: 'fenced: failed in the log (host h1 down)' });
    expect(
      judgeObservation(held('paused', { host: 'h2' }), {
        life: life('healthy'),
        hostEpoch: 2,
        readFromLog: true,
      }),
    ).toEqual({ kind: 'fence', reason: 'fenced: placed on h1' });
  });

  it('adopts an ending report of the instance on its own host, so that its end is recorded', () => {
    expect(judgeObservation(held('failed'), { life: life('healthy'), hostEpoch: 2 })).toEqual({
      kind: 'adopt',
    });
  });

  it('fences a running copy of an instance that failed in the log, saying why', () => {
    expect(
      judgeObservation(held('healthy'), {
        life: life('failed', { reason: 'host h1 down' }),
        hostEpoch: 2,
      }),
    ).toEqual({ kind: 'fence', reason: 'fenced: failed in the log (host h1 down)' });
  });

  it('fences a copy of an instance the log places on another host, once the log itself says so', () => {
    const elsewhere = { life: life('healthy', { host: 'h2' }), hostEpoch: 2 };
    expect(judgeObservation(held('running'), elsewhere)).toEqual({ kind: 'read-log' });
    expect(judgeObservation(held('running'), { ...elsewhere, readFromLog: true })).toEqual({
      kind: 'fence',
      reason: 'fenced: placed on h2',
    });
  });

  it('fences a stopping copy of an instance the log has ended', () => {
    expect(
      judgeObservation(held('stopping'), {
        life: life('failed', { reason: 'its agent came back without it' }),
        hostEpoch: 2,
      }),
    ).toEqual({
      kind: 'fence',
      reason: 'fenced: failed in the log (its agent came back without it)',
    });
    expect(
      judgeObservation(held('stopping', { host: 'h2' }), {
        life: life('healthy'),
        hostEpoch: 2,
        readFromLog: true,
      }),
    ).toEqual({ kind: 'fence', reason: 'fenced: placed on h1' });
  });

  it('records nothing and stops nothing for a copy already stopped', () => {
    for (const state of ['stopped', 'failed'])
      expect(judgeObservation(held(state), { life: life('failed'), hostEpoch: 2 })).toEqual({
        kind: 'ignore',
        why: 'not-held',
      });
    expect(
      judgeObservation(held('stopped'), { life: life('healthy', { host: 'h2' }), hostEpoch: 2 }),
    ).toEqual({ kind: 'ignore', why: 'not-held' });
  });

  it('drops a message from an epoch older than the host’s current one, whatever it says', () => {
    expect(
      judgeObservation(held('failed', { epoch: 1 }), { life: life('healthy'), hostEpoch: 2 }),
    ).toEqual({ kind: 'ignore', why: 'stale-epoch' });
    expect(
      judgeObservation(held('healthy', { epoch: 1 }), { life: life('failed'), hostEpoch: 2 }),
    ).toEqual({ kind: 'ignore', why: 'stale-epoch' });
  });

  it('takes a message from a newer epoch than the view knows (the view is behind the registration)', () => {
    expect(
      judgeObservation(held('healthy', { epoch: 3 }), { life: life('running'), hostEpoch: 2 }),
    ).toEqual({ kind: 'adopt' });
  });

  it('reads the log before fencing an instance the view does not know, and fences it when the log has none', () => {
    expect(judgeObservation(held('running'), { life: undefined, hostEpoch: 2 })).toEqual({
      kind: 'read-log',
    });
    expect(
      judgeObservation(held('running'), { life: undefined, hostEpoch: 2, readFromLog: true }),
    ).toEqual({ kind: 'fence', reason: 'fenced: no such instance in the log' });
    expect(judgeObservation(held('stopped'), { life: undefined, hostEpoch: 2 })).toEqual({
      kind: 'ignore',
      why: 'not-held',
    });
  });

  it('reads the log before fencing a copy of an instance the view holds without a host, and fences only on the log’s word', () => {
    const requested = life('pending', { host: undefined });
    expect(judgeObservation(held('healthy'), { life: requested, hostEpoch: 2 })).toEqual({
      kind: 'read-log',
    });
    expect(
      judgeObservation(held('healthy'), { life: requested, hostEpoch: 2, readFromLog: true }),
    ).toEqual({ kind: 'fence', reason: 'fenced: placed on no host in the log' });
  });

  it('ignores what the agent of a down host says under the epoch it went down with, until it registers again', () => {
    const down = { hostEpoch: 2, hostDown: true };
    expect(judgeObservation(held('healthy'), { life: life('lost'), ...down })).toEqual({
      kind: 'ignore',
      why: 'host-down',
    });
    expect(judgeObservation(held('healthy'), { life: life('failed'), ...down })).toEqual({
      kind: 'ignore',
      why: 'host-down',
    });
    expect(
      judgeObservation(held('healthy', { epoch: 3 }), { life: life('lost'), ...down }),
    ).toEqual({ kind: 'adopt' });
  });

  it('judges nothing a host says before the view knows the host and its epoch', () => {
    for (const l of [life('healthy'), life('failed'), undefined])
      expect(judgeObservation(held('healthy'), { life: l, hostEpoch: undefined })).toEqual({
        kind: 'ignore',
        why: 'unknown-host',
      });
  });

  it('leaves both ends of a live migration to the migration', () => {
    const moving = life('migrating', { migration: { id: 'm1', to: 'h2' } });
    expect(judgeObservation(held('running'), { life: moving, hostEpoch: 2 })).toEqual({
      kind: 'adopt',
    });
    expect(
      judgeObservation(held('running', { host: 'h2' }), { life: moving, hostEpoch: 2 }),
    ).toEqual({ kind: 'adopt' });
    expect(
      judgeObservation(held('running', { host: 'h3' }), {
        life: moving,
        hostEpoch: 2,
        readFromLog: true,
      }),
    ).toEqual({ kind: 'fence', reason: 'fenced: placed on h1' });
  });

  it('names the instances that replaced an ended one', () => {
    expect(
      judgeObservation(held('healthy'), {
        life: life('failed', { reason: 'host h1 down' }),
        hostEpoch: 2,
        replacements: ['shop-db-2'],
      }),
    ).toEqual({
      kind: 'fence',
      reason: 'fenced: failed in the log (host h1 down), replaced by shop-db-2',
    });
  });
});
