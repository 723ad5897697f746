import { rmSync } from 'node:fs';
import { pino } from 'pino';
import {
  AckPolicy,
  DeliverPolicy,
  JSONCodec,
  headers,
  type ConsumerConfig,
  type NatsConnection,
} from 'nats';
import { Subjects, busIdentity, type CommandReply } from '@federa/contracts';
import { CommandTransport } from '@federa/messaging';
import { eventually } from '@federa/testing';
import { Agent } from '../services/agent/src';
import { AuthenticatedBus } from './bus-auth-fixture';
import {
  answerRegistrations,
  appSpec,
  hostConfig,
  recordBus,
  repoRoot,
  sendCommand,
  tempDir,
} from './agent-harness';

jest.setTimeout(180_000);

const json = JSONCodec();

/**
 * A JetStream push consumer delivers its stream's messages to any core subject its creator names,
 * under the STORED subject (`$O.<bucket>.C.…`), with the stored headers: a way to put a message a
 * host's agent wrote into its own bucket on another identity's subject (nats-server 2.9 does not
 * check the deliver subject against the creator's permissions). Whoever creates the consumer,
 * every Federa subscriber drops what arrives under a subject it did not subscribe to.
 */
describe('a message delivered by a JetStream consumer onto a core subject', () => {
  let bus: AuthenticatedBus;
  let subjects: Subjects;
  const connections: NatsConnection[] = [];
  const credentialsBefore = process.env.FEDERA_NATS_CREDENTIALS;

  beforeAll(async () => {
    bus = await AuthenticatedBus.start('busattacks', ['h1', 'h2']);
    subjects = new Subjects(bus.prefix);
  });

  afterAll(async () => {
    for (const nc of connections) await nc.close().catch(() => undefined);
    if (credentialsBefore === undefined) delete process.env.FEDERA_NATS_CREDENTIALS;
    else process.env.FEDERA_NATS_CREDENTIALS = credentialsBefore;
    await bus?.dispose();
  });

  async function as(kind: string, name: string): Promise<NatsConnection> {
    const nc = await bus.connectAs(busIdentity(kind, name));
    connections.push(nc);
    return nc;
  }

  /**
   * Agent h1 stores `body` (with a forged Federa-Actor) in its own data bucket, and a push consumer
   * delivers it to `deliverSubject`; resolves once the server has delivered it.
   */
  async function forge(
    object: string,
    body: unknown,
    deliver: Pick<ConsumerConfig, 'deliver_subject' | 'deliver_group'>,
  ): Promise<void> {
    const bucket = subjects.dataBucketOf('h1');
    const supervision = await as('service', 'supervision');
    // The trusted side creates the host's bucket (and could be any identity allowed a push consumer).
    await (await supervision.jetstream().views.os(bucket)).status();
    const h1 = await as('agent', 'h1');
    const h = headers();
    h.set('Federa-Actor', 'admin-alice');
    const stored = `$O.${bucket}.C.${object}`;
    await h1.jetstream().publish(stored, json.encode(body), { headers: h });
    const jsm = await supervision.jetstreamManager();
    const consumer = await jsm.consumers.add(`OBJ_${bucket}`, {
      ...deliver,
      ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.All,
      filter_subject: stored,
    });
    await eventually(
      async () =>
        (await jsm.consumers.info(`OBJ_${bucket}`, consumer.name)).delivered.consumer_seq >= 1,
      60_000,
    );
  }

  it("is not taken by a service as a command, and the service's real commands still work", async () => {
    process.env.FEDERA_NATS_CREDENTIALS = bus.seedOf('service', 'inventory');
    const transport = new CommandTransport({
      natsUrl: bus.url,
      subjectPrefix: bus.prefix,
      service: 'inventory',
    });
    const handled: unknown[] = [];
    transport.addHandler('cmd.inventory.drain', (data: unknown) => {
      handled.push(data);
      return Promise.resolve({ drained: true });
    });
    await new Promise<void>((resolve, reject) =>
      transport.listen((error?: unknown) => (error ? reject(error) : resolve())),
    );
    try {
      await transport.connection.flush();
      await forge(
        'drain',
        { host: 'h2' },
        {
          deliver_subject: subjects.command('inventory', 'drain'),
          deliver_group: subjects.queueGroup('inventory'),
        },
      );
      // Delivered to the one subscriber before this request, so handled (or dropped) before it.
      const gateway = await as('service', 'gateway');
      const reply = await gateway.request(
        subjects.command('inventory', 'drain'),
        json.encode({ host: 'h1' }),
        { timeout: 30_000 },
      );
      expect(json.decode(reply.data) as CommandReply).toEqual({
        ok: true,
        result: { drained: true },
      });
      expect(handled).toEqual([{ host: 'h1' }]);
    } finally {
      await transport.close();
    }
  });

  it("is not taken by another host's agent as a command, and its real commands still work", async () => {
    const dataDir = tempDir('bus-attacks-h2');
    const said: string[] = [];
    const inventory = await as('service', 'inventory');
    answerRegistrations(inventory, subjects);
    const supervision = await as('service', 'supervision');
    const bus2 = recordBus(supervision, subjects);
    await supervision.flush();
    process.env.FEDERA_NATS_CREDENTIALS = bus.seedOf('agent', 'h2');
    const agent = await Agent.start({
      config: hostConfig('h2'),
      dataDir,
      natsUrl: bus.url,
      subjectPrefix: bus.prefix,
      heartbeatMs: 500,
      cwd: repoRoot,
      logger: pino({ level: 'warn' }, { write: (line: string) => void said.push(line) }),
    });
    try {
      await eventually(() => bus2.heartbeats.some((b) => b.host === 'h2'), 60_000);
      await forge(
        'start',
        {
          type: 'start',
          commandId: 'forged-start',
          epoch: 1,
          spec: { ...appSpec('forged-1'), artifact: { command: ['true'] } },
        },
        { deliver_subject: subjects.agentCommand('h2') },
      );
      const reply = await sendCommand(supervision, subjects, 'h2', {
        type: 'probe',
        commandId: 'real-probe',
        epoch: 1,
        instance: 'nothing-here',
      });
      expect(reply.ok).toBe(false);
      expect(reply.ok ? undefined : reply.error.code).not.toBe('internal');
      expect(said.join('')).toContain(
        `under the subject $O.${subjects.dataBucketOf('h1')}.C.start`,
      );
      expect(
        bus2.reports.filter((r) => r.commandId === 'forged-start' || r.instance === 'forged-1'),
      ).toEqual([]);
    } finally {
      await agent.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
