// Registrations name their host in the subject (`<prefix>.inventory.register.<host>`), which bus
// permissions restrict to that host's agent: inventory refuses a body that names another host.
import { JSONCodec } from 'nats';
import type { CommandReply } from '@federa/contracts';
import { hostDataBucketConfig } from '@federa/messaging';
import { InventoryHarness } from './inventory-harness';
import { registrationOf } from './inventory-fake-agent';

const json = JSONCodec();

describe('registration on a host’s own subject', () => {
  let inventory: InventoryHarness;

  beforeAll(async () => {
    inventory = await InventoryHarness.start();
  });

  afterAll(async () => {
    await inventory?.stop();
  });

  const register = async (subjectHost: string, bodyHost: string, layers = ['sim']) =>
    json.decode(
      (
        await inventory.nc.request(
          inventory.subjects.agentRegisterFor(subjectHost),
          json.encode({ ...registrationOf(bodyHost, 'geneva', 1000), layers }),
          { timeout: 10_000 },
        )
      ).data,
    ) as CommandReply<{ epoch: number }>;

  it('registers the host the subject names', async () => {
    expect(await register('subj-ok', 'subj-ok')).toEqual({ ok: true, result: { epoch: 1 } });
    expect(await inventory.eventTypes('subj-ok')).toEqual(['HostRegistered']);
  });

  it('refuses a body naming another host than the subject, naming the field, and records nothing', async () => {
    const reply = await register('subj-mine', 'subj-other');
    expect(reply).toMatchObject({
      ok: false,
      error: {
        code: 'validation_failed',
        details: [{ path: 'host', reason: 'must be the host of the subject, subj-mine' }],
      },
    });
    expect(await inventory.eventTypes('subj-other')).toEqual([]);
    expect(await inventory.eventTypes('subj-mine')).toEqual([]);
  });

  it('creates the data bucket of a registering host with the fixed configuration before answering, again idempotently, and none for a host of the sim layer alone', async () => {
    const jsm = await inventory.nc.jetstreamManager();
    const stream = `OBJ_${inventory.subjects.dataBucketOf('subj-data')}`;
    try {
      expect(await register('subj-data', 'subj-data', ['process'])).toMatchObject({ ok: true });
      const made = (await jsm.streams.info(stream)).config;
      expect(made).toMatchObject(
        hostDataBucketConfig(inventory.subjects.dataBucketOf('subj-data')),
      );
      expect(made.sources ?? []).toEqual([]);
      expect(made.mirror).toBeUndefined();
      expect(await register('subj-data', 'subj-data', ['process'])).toMatchObject({ ok: true });
      expect(await register('subj-sim', 'subj-sim', ['sim'])).toMatchObject({ ok: true });
      await expect(
        jsm.streams.info(`OBJ_${inventory.subjects.dataBucketOf('subj-sim')}`),
      ).rejects.toThrow(/not found/);
    } finally {
      await jsm.streams.delete(stream).catch(() => undefined);
    }
  });
});
