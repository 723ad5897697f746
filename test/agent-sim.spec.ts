import { Subjects } from '@federa/contracts';
import { eventually, uniquePrefix } from '@federa/testing';
import type { NatsConnection } from 'nats';
import { SimFleet } from '../services/agent/src';
import {
  answerRegistrations,
  connectTo,
  hostConfig,
  recordBus,
  sendCommand,
} from './agent-harness';

const NATS_URL = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

jest.setTimeout(60_000);

describe('federa agent --simulate', () => {
  const prefix = uniquePrefix('sim');
  const subjects = new Subjects(prefix);
  let nc: NatsConnection;
  let fleet: SimFleet;
  let bus: ReturnType<typeof recordBus>;

  beforeAll(async () => {
    nc = await connectTo(NATS_URL);
    answerRegistrations(nc, subjects);
    bus = recordBus(nc, subjects);
    const { pino } = require('pino') as typeof import('pino');
    fleet = await SimFleet.start({
      config: hostConfig('simhost', ['sim']),
      count: 20,
      natsUrl: NATS_URL,
      subjectPrefix: prefix,
      heartbeatMs: 200,
      slots: 10,
      logger: pino({ level: 'silent' }),
    });
    await fleet.registered;
  });

  afterAll(async () => {
    await fleet.stop();
    await nc.close();
  });

  const beatsOf = (host: string) => bus.heartbeats.filter((h) => h.host === host);
  const inject = async (host: string, body: unknown) =>
    JSON.parse(
      decoder.decode(
        (
          await nc.request(subjects.simInject(host), encoder.encode(JSON.stringify(body)), {
            timeout: 2000,
          })
        ).data,
      ),
    );

  it('heartbeats every simulated host independently, each with its own sequence', async () => {
    await eventually(() => [...fleet.hosts.keys()].every((id) => beatsOf(id).length >= 3));
    expect(fleet.hosts.has('simhost-0001')).toBe(true);
    expect(fleet.hosts.has('simhost-0020')).toBe(true);
    for (const id of fleet.hosts.keys()) {
      const seqs = beatsOf(id).map((h) => h.seq as number);
      expect(seqs.slice(0, 3)).toEqual([1, 2, 3]);
    }
  });

  it('stops the heartbeats of a killed host while the others go on, and revives it with a new epoch', async () => {
    const before = beatsOf('simhost-0003').at(-1)?.epoch as number;
    expect(await inject('simhost-0003', { fault: 'kill' })).toMatchObject({ ok: true });
    const killedAt = bus.heartbeats.length;
    await eventually(
      () => bus.heartbeats.slice(killedAt).filter((h) => h.host === 'simhost-0004').length >= 3,
    );
    expect(bus.heartbeats.slice(killedAt + 2).some((h) => h.host === 'simhost-0003')).toBe(false);
    expect(await inject('simhost-0003', { fault: 'revive' })).toMatchObject({ ok: true });
    await eventually(() => (beatsOf('simhost-0003').at(-1)?.epoch as number) > before);
  });

  it('silences a partitioned host until the partition heals, buffering its reports', async () => {
    const epoch = beatsOf('simhost-0005').at(-1)?.epoch as number;
    expect(await inject('simhost-0005', { fault: 'partition' })).toMatchObject({ ok: true });
    const partitionedAt = bus.heartbeats.length;
    const spec = {
      instance: 'sim-i1',
      service: 's',
      app: 'a',
      layer: 'sim',
      artifact: {},
      resources: { cpuMillis: 100, memoryBytes: 1, storageBytes: 1, bandwidthBps: 1 },
    };
    await expect(
      sendCommand(
        nc,
        subjects,
        'simhost-0005',
        { commandId: 'p-1', epoch, type: 'start', spec },
        500,
      ),
    ).rejects.toThrow();
    await eventually(
      () =>
        bus.heartbeats.slice(partitionedAt).filter((h) => h.host === 'simhost-0006').length >= 3,
    );
    expect(bus.heartbeats.slice(partitionedAt + 2).some((h) => h.host === 'simhost-0005')).toBe(
      false,
    );
    expect(await inject('simhost-0005', { fault: 'heal' })).toMatchObject({ ok: true });
    const reply = await sendCommand(nc, subjects, 'simhost-0005', {
      commandId: 'p-2',
      epoch,
      type: 'start',
      spec,
    });
    expect(reply).toMatchObject({ ok: true });
    await eventually(() =>
      beatsOf('simhost-0005').some((h) =>
        h.instances.some((i) => i.instance === 'sim-i1' && i.state === 'healthy'),
      ),
    );
  });

  it('refuses an injection it does not know, naming the field', async () => {
    expect(await inject('simhost-0001', { fault: 'meteor' })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: [{ path: 'fault' }] },
    });
  });
});
