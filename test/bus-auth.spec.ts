// The bus admits only the identities of its credentials directory, and each only to what it may do
// (docs/security/bus.md): a client without credentials or with a seed the server does not know is
// refused; an agent can speak for its own host only and command nobody; a revoked agent is cut off.
import { AckPolicy, connect, nkeyAuthenticator, nkeys, type NatsConnection, type Msg } from 'nats';
import { busIdentity, readerConsumerName, Subjects } from '@federa/contracts';
import { eventually, itWhen, natsServerBinary } from '@federa/testing';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEventStream, natsConnectionOptions } from '@federa/messaging';
import type { HostConfig } from '@federa/contracts';
import { SimFleet } from '../services/agent/src/sim/sim-fleet';
import { hostConfig } from './agent-harness';
import { AuthenticatedBus } from './bus-auth-fixture';

jest.setTimeout(60_000);

const skip = natsServerBinary() ? undefined : 'no nats-server binary on this machine';
const encode = (body: unknown) => new TextEncoder().encode(JSON.stringify(body));

/** The subjects of the permission violations the server reported to `nc`. */
function violations(nc: NatsConnection): string[] {
  const seen: string[] = [];
  void (async () => {
    for await (const status of nc.status()) {
      const context = (status as { permissionContext?: { subject: string } }).permissionContext;
      if (context) seen.push(context.subject);
    }
  })();
  return seen;
}

/** Every message on `subject` that `nc` receives. */
function record(nc: NatsConnection, subject: string): Msg[] {
  const got: Msg[] = [];
  nc.subscribe(subject, { callback: (_e, msg) => got.push(msg) });
  return got;
}

describe('the bus with credentials and permissions', () => {
  let bus: AuthenticatedBus;
  let subjects: Subjects;
  const opened: NatsConnection[] = [];
  const open = async (kind: string, name: string) => {
    const nc = await bus.connectAs(busIdentity(kind, name));
    opened.push(nc);
    return nc;
  };

  beforeAll(async () => {
    if (skip) return;
    bus = await AuthenticatedBus.start('busauth', ['host-a', 'host-b', 'host-c']);
    subjects = new Subjects(bus.prefix);
  });

  afterAll(async () => {
    for (const nc of opened) await nc.close().catch(() => undefined);
    await bus?.dispose();
  });

  itWhen(skip)('refuses a client without credentials', async () => {
    await expect(connect({ servers: bus.url, reconnect: false })).rejects.toMatchObject({
      code: 'AUTHORIZATION_VIOLATION',
    });
  });

  itWhen(skip)('refuses a client whose seed the server does not know', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'federa-unknown-seed-'));
    try {
      const seed = join(dir, 'stranger.nk');
      writeFileSync(seed, `${new TextDecoder().decode(nkeys.createUser().getSeed())}\n`);
      const options = natsConnectionOptions(bus.url, 'stranger', { credentialsFile: seed });
      await expect(
        connect({ ...options, reconnect: false, waitOnFirstConnect: false }),
      ).rejects.toMatchObject({ code: 'AUTHORIZATION_VIOLATION' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  itWhen(skip)(
    "refuses host A's agent speaking for B, commanding agents or services, and registering as B; nothing of it arrives",
    async () => {
      const supervision = await open('service', 'supervision');
      const inventory = await open('service', 'inventory');
      const agentB = await open('agent', 'host-b');
      const heartbeats = record(supervision, subjects.allHeartbeats);
      const reports = record(supervision, subjects.allReports);
      const serviceCommands = record(supervision, `${bus.prefix}.cmd.supervision.>`);
      const registrations = record(inventory, subjects.agentRegisterFor('*'));
      const oldRegistrations = record(inventory, subjects.agentRegister);
      const commandsToB = record(agentB, subjects.agentCommand('host-b'));
      await Promise.all([supervision.flush(), inventory.flush(), agentB.flush()]);

      const agentA = await open('agent', 'host-a');
      const refused = violations(agentA);
      const beatAsB = { host: 'host-b', epoch: 1, sentAt: Date.now(), instances: [] };
      agentA.publish(subjects.agentHeartbeat('host-b'), encode(beatAsB));
      agentA.publish(subjects.agentReport('host-b'), encode({ host: 'host-b', kind: 'instance' }));
      const requests = [
        subjects.agentCommand('host-b'),
        subjects.agentCommand('host-a'),
        subjects.command('supervision', 'deploy'),
        subjects.agentRegisterFor('host-b'),
        subjects.agentRegister,
      ].map((subject) =>
        agentA.request(subject, encode({ host: 'host-b' }), { timeout: 20_000 }).then(
          () => `${subject}: answered`,
          (error: { code?: string }) => `${subject}: ${error.code}`,
        ),
      );
      // Its own heartbeat goes through, after everything refused: once it arrives, they would have too.
      agentA.publish(subjects.agentHeartbeat('host-a'), encode({ ...beatAsB, host: 'host-a' }));

      expect(await Promise.all(requests)).toEqual([
        `${subjects.agentCommand('host-b')}: PERMISSIONS_VIOLATION`,
        `${subjects.agentCommand('host-a')}: PERMISSIONS_VIOLATION`,
        `${subjects.command('supervision', 'deploy')}: PERMISSIONS_VIOLATION`,
        `${subjects.agentRegisterFor('host-b')}: PERMISSIONS_VIOLATION`,
        `${subjects.agentRegister}: PERMISSIONS_VIOLATION`,
      ]);
      await eventually(async () => heartbeats.length > 0, 20_000, 50);
      await eventually(
        async () =>
          refused.includes(subjects.agentHeartbeat('host-b')) &&
          refused.includes(subjects.agentReport('host-b')),
        20_000,
        50,
      );
      expect(heartbeats.map((m) => m.subject)).toEqual([subjects.agentHeartbeat('host-a')]);
      expect(reports).toEqual([]);
      expect(serviceCommands).toEqual([]);
      expect(registrations).toEqual([]);
      expect(oldRegistrations).toEqual([]);
      expect(commandsToB).toEqual([]);
    },
  );

  itWhen(skip)("refuses an agent's subscription to another host's commands", async () => {
    const agentA = await open('agent', 'host-a');
    const closed = new Promise<string>((resolve) =>
      agentA.subscribe(subjects.agentCommand('host-b'), {
        callback: (error) => {
          if (error) resolve(error.code);
        },
      }),
    );
    expect(await closed).toBe('PERMISSIONS_VIOLATION');
  });

  itWhen(skip)('cuts a revoked agent off at the reload and refuses it afterwards', async () => {
    const agentC = await open('agent', 'host-c');
    agentC.publish(subjects.agentHeartbeat('host-c'), encode({ host: 'host-c' }));
    await agentC.flush();
    let closed = false;
    void agentC.closed().then(() => (closed = true));
    // A copy of the seed kept from before the revocation.
    const kept = readFileSync(bus.seedOf('agent', 'host-c'), 'utf8');

    expect(bus.credentials.revoke(busIdentity('agent', 'host-c'))).toBe(true);
    bus.server.reload();

    await eventually(async () => closed, 20_000, 50);
    // The reload changed nothing else: the others' JetStream still answers.
    const relay = await open('service', 'relay');
    await expect((await relay.jetstreamManager()).getAccountInfo()).resolves.toMatchObject({
      streams: expect.any(Number),
    });
    const seed = /\bS[A-Z2-7]{57}\b/.exec(kept)?.[0] as string;
    await expect(
      connect({
        servers: bus.url,
        authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)),
        reconnect: false,
      }),
    ).rejects.toMatchObject({ code: 'AUTHORIZATION_VIOLATION' });
  });

  itWhen(skip)('lets a reader consume the event stream, and refuses it anything else', async () => {
    const relay = await open('service', 'relay');
    await ensureEventStream(await relay.jetstreamManager(), subjects);
    await relay
      .jetstream()
      .publish(subjects.event('host', 'HostRegistered'), encode({ host: 'host-a' }));

    const reader = await open('reader', 'billing');
    // Through the one consumer it may use, named after it (an ordered consumer's random name is refused).
    const own = readerConsumerName('billing');
    await (
      await reader.jetstreamManager()
    ).consumers.add(subjects.eventStream, {
      durable_name: own,
      ack_policy: AckPolicy.Explicit,
    });
    const consumer = await reader.jetstream().consumers.get(subjects.eventStream, own);
    const first = await consumer.next({ expires: 20_000 });
    expect(first?.subject).toBe(subjects.event('host', 'HostRegistered'));
    const jsm = await reader.jetstreamManager();
    await expect(jsm.streams.delete(subjects.eventStream)).rejects.toMatchObject({
      code: 'PERMISSIONS_VIOLATION',
    });
    await expect(
      reader.request(subjects.command('supervision', 'deploy'), encode({}), { timeout: 20_000 }),
    ).rejects.toMatchObject({ code: 'PERMISSIONS_VIOLATION' });
  });

  itWhen(skip)('lets a simulator register and heartbeat for hosts it stands for', async () => {
    const inventory = await open('service', 'inventory');
    inventory.subscribe(subjects.agentRegisterFor('*'), {
      callback: (_error, msg) => msg.respond(encode({ ok: true, result: { epoch: 1 } })),
    });
    const heartbeats = record(inventory, subjects.allHeartbeats);
    await inventory.flush();
    const previous = process.env.FEDERA_NATS_CREDENTIALS;
    process.env.FEDERA_NATS_CREDENTIALS = bus.seedOf('simulator', 'load');
    let fleet: SimFleet | undefined;
    try {
      fleet = await SimFleet.start({
        config: { ...hostConfig('sim'), layers: ['sim'] } as HostConfig,
        count: 2,
        natsUrl: bus.url,
        subjectPrefix: bus.prefix,
        heartbeatMs: 200,
        logger: require('pino').pino({ level: 'silent' }),
      });
      await fleet.registered;
      await eventually(
        async () => new Set(heartbeats.map((m) => m.subject)).size === 2,
        20_000,
        50,
      );
    } finally {
      if (previous === undefined) delete process.env.FEDERA_NATS_CREDENTIALS;
      else process.env.FEDERA_NATS_CREDENTIALS = previous;
      await fleet?.stop();
    }
  });
});
