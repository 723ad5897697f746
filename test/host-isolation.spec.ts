import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  agentJetStreamPermissions,
  backupIndexKey,
  backupKey,
  Subjects,
  type ServiceEndpoints,
} from '@federa/contracts';
import {
  copyStoredData,
  DataBucketMissing,
  ensureHostDataBucket,
  openKeyValueBucket,
} from '@federa/messaging';
import { eventually, itWhen, NatsServerProcess, natsServerBinary } from '@federa/testing';
import { connect, nkeyAuthenticator, nkeys, StorageType, type KV, type NatsConnection } from 'nats';
import { DiscoveryBucketWatcher } from '../services/agent/src/discovery/bucket-watcher';
import { EndpointsBoard } from '../services/agent/src/discovery/endpoints-board';
import { ObjectStoreDataTransfer } from '../services/agent/src/infrastructure/data/object-store-data-transfer';
import { ObjectStoreBackupCatalog } from '../services/supervision/src/infrastructure/object-store-backup-catalog';

jest.setTimeout(180_000);

const unavailable = natsServerBinary() ? undefined : 'nats-server is not installed';

const subjects = new Subjects('iso');
const hosts = ['iso-a', 'iso-b'] as const;
type Host = (typeof hosts)[number];

/** The inbox an agent of `host` connects with: deliveries and replies come there, nowhere else. */
const inboxOf = (host: string) => `_INBOX.agent.${host}`;

const quiet = { info: () => undefined, warn: () => undefined };

const set = (service: string, version: number): ServiceEndpoints => ({
  service,
  version,
  updatedAt: version,
  applications: [{ name: 'db', instances: [] }],
});

/** `bytes` of a repeating pattern: several parts at the transfers' part size below. */
function payload(bytes: number): Buffer {
  return Buffer.from(Array.from({ length: bytes }, (_, i) => i % 251));
}

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * A nats-server whose agents have exactly the JetStream permissions `agentJetStreamPermissions`
 * gives them (and their own inbox), beside a trusted user standing for the control plane.
 */
describe("an agent on a bus with permissions reaches only its own host's data and discovery keys", () => {
  const dir = mkdtempSync(join(tmpdir(), 'federa-isolation-'));
  const log: string[] = [];
  const agents = new Map<Host, NatsConnection>();
  let nats: NatsServerProcess;
  let plane: NatsConnection;
  let discovery: KV;

  /** The server's permission refusals for the agent of `host` in this test. */
  const violations = (host: Host) =>
    log
      .join('')
      .split('\n')
      .filter((line) => line.includes(`agent-${host}`) && / Violation - /.test(line));

  beforeAll(async () => {
    if (unavailable) return;
    const trusted = nkeys.createUser();
    const keys = new Map(hosts.map((host) => [host, nkeys.createUser()]));
    const users = [
      { nkey: trusted.getPublicKey() },
      ...hosts.map((host) => {
        const js = agentJetStreamPermissions(subjects, host);
        return {
          nkey: keys.get(host)!.getPublicKey(),
          permissions: {
            publish: { allow: js.publish },
            subscribe: { allow: [...js.subscribe, `${inboxOf(host)}.>`] },
            allow_responses: true,
          },
        };
      }),
    ];
    const config = join(dir, 'nats.conf');
    writeFileSync(config, JSON.stringify({ authorization: { users } }, null, 2));
    nats = await NatsServerProcess.start({ config, logTo: (text) => void log.push(text) });
    plane = await connect({
      servers: nats.url,
      name: 'plane',
      authenticator: nkeyAuthenticator(trusted.getSeed()),
    });
    // Supervision creates the discovery bucket; agents only open it.
    discovery = await openKeyValueBucket(plane, subjects.discoveryBucket);
    for (const host of hosts)
      agents.set(
        host,
        await connect({
          servers: nats.url,
          name: `agent-${host}`,
          authenticator: nkeyAuthenticator(keys.get(host)!.getSeed()),
          inboxPrefix: inboxOf(host),
        }),
      );
  });

  // Each test reads the refusals of its own steps.
  beforeEach(() => void log.splice(0));

  afterAll(async () => {
    for (const nc of agents.values()) await nc.close();
    await plane?.close();
    await nats?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What inventory does when `host` registers: its data bucket, with the fixed configuration. */
  const bucketFor = async (host: Host) =>
    ensureHostDataBucket(await plane.jetstreamManager(), subjects.dataBucketOf(host));

  const transferOf = (host: Host) =>
    new ObjectStoreDataTransfer(
      agents.get(host)!.jetstream(),
      subjects.dataBucketOf(host),
      join(dir, `${host}-spool`),
      64 * 1024,
    );

  itWhen(unavailable)(
    "watches its own keys: the sets of the services its host runs, and no other host's",
    async () => {
      const board = new EndpointsBoard(quiet);
      const watcher = new DiscoveryBucketWatcher(
        agents.get('iso-a')!,
        subjects.discoveryBucket,
        subjects.discoveryKeysOf('iso-a'),
        board,
        quiet,
      );
      try {
        await discovery.put(subjects.discoveryKey('iso-a', 'shop'), JSON.stringify(set('shop', 3)));
        await discovery.put(subjects.discoveryKey('iso-b', 'bank'), JSON.stringify(set('bank', 4)));
        await watcher.ready;
        await eventually(async () => board.current('shop')?.version === 3, 30_000);
        await discovery.put(subjects.discoveryKey('iso-a', 'shop'), JSON.stringify(set('shop', 5)));
        await eventually(async () => board.current('shop')?.version === 5, 30_000);
        // The server restarts: the watch's consumer is recreated through the create its
        // permission allows (the ordered consumer's own reset uses the older one, refused).
        await nats.restart();
        await eventually(
          async () => {
            await discovery.put(
              subjects.discoveryKey('iso-a', 'shop'),
              JSON.stringify(set('shop', 6)),
            );
            return true;
          },
          60_000,
          500,
        );
        await eventually(async () => board.current('shop')?.version === 6, 60_000);
        await discovery.delete(subjects.discoveryKey('iso-a', 'shop'));
        await eventually(async () => board.current('shop')?.applications.length === 0, 30_000);
        expect(board.current('bank')).toBeUndefined();
      } finally {
        await watcher.stop();
      }
      // Only the ordered consumer's own reset after the restart, through the create that names no
      // filter in its subject: refused, and the watch was opened afresh instead.
      const oldCreate = `Subject "$JS.API.CONSUMER.CREATE.KV_${subjects.discoveryBucket}"`;
      expect(violations('iso-a').filter((line) => !line.endsWith(oldCreate))).toEqual([]);
    },
  );

  itWhen(unavailable)(
    "cannot watch another host's keys nor the whole bucket, nor pass another filter than its subject names",
    async () => {
      const kv = await openKeyValueBucket(agents.get('iso-a')!, subjects.discoveryBucket);
      for (const key of [subjects.discoveryKeysOf('iso-b'), '>', 'bank'])
        await expect(kv.watch({ key })).rejects.toThrow(/permission|timeout/i);
      // The consumer-create subject names the agent's own filter; the request asks for another.
      const stream = `KV_${subjects.discoveryBucket}`;
      const own = `$KV.${subjects.discoveryBucket}.${subjects.discoveryKeysOf('iso-a')}`;
      const theirs = `$KV.${subjects.discoveryBucket}.${subjects.discoveryKeysOf('iso-b')}`;
      const answer = await agents.get('iso-a')!.request(
        `$JS.API.CONSUMER.CREATE.${stream}.sneaky.${own}`,
        JSON.stringify({
          stream_name: stream,
          config: {
            name: 'sneaky',
            filter_subject: theirs,
            deliver_subject: `${inboxOf('iso-a')}.sneaky`,
            ack_policy: 'none',
          },
        }),
        { timeout: 5000 },
      );
      const reply = JSON.parse(new TextDecoder().decode(answer.data)) as {
        error?: { description: string };
      };
      expect(reply.error?.description).toMatch(/filter/i);
      const consumers = await (
        await plane.jetstream().jetstreamManager()
      ).consumers
        .list(stream)
        .next();
      expect(consumers.map((c) => c.name)).not.toContain('sneaky');
    },
  );

  itWhen(unavailable)(
    'stores, reads and removes its data in the bucket the trusted side made for it, and never makes one',
    async () => {
      const jsm = await plane.jetstream().jetstreamManager();
      const data = transferOf('iso-a');
      const bytes = payload(200_000);
      await expect(data.upload('inst-1/export', Readable.from([bytes]))).rejects.toThrow(
        DataBucketMissing,
      );
      expect(await data.readDocument('inst-1/index')).toBeUndefined();
      await expect(jsm.streams.info(`OBJ_${subjects.dataBucketOf('iso-a')}`)).rejects.toThrow(
        /not found/,
      );
      await bucketFor('iso-a');
      const stored = await data.upload('inst-1/export', Readable.from([bytes]));
      expect(stored.parts).toBe(4);
      // A part of several MiB: its chunks come under the consumer's flow control.
      const large = Buffer.alloc(6 * 1024 * 1024, 7);
      const whole = new ObjectStoreDataTransfer(
        agents.get('iso-a')!.jetstream(),
        subjects.dataBucketOf('iso-a'),
        join(dir, 'iso-a-large'),
      );
      await whole.upload('inst-1/large', Readable.from([large]));
      const largeDownload = await whole.download('inst-1/large');
      expect((await drain(largeDownload.stream)).equals(large)).toBe(true);
      await largeDownload.done();
      // Again: every part is there with its digest already.
      await data.upload('inst-1/export', Readable.from([bytes]));
      const download = await data.download('inst-1/export');
      expect(await drain(download.stream)).toEqual(bytes);
      await download.done();
      await data.writeDocument('inst-1/index', { version: 1 });
      expect(await data.readDocument('inst-1/index')).toEqual({ version: 1 });
      await data.remove('inst-1/export');
      await expect(data.download('inst-1/export')).rejects.toThrow(/no data stored/);
      expect(violations('iso-a')).toEqual([]);
    },
  );

  itWhen(unavailable)("cannot read, list, watch or write another host's data bucket", async () => {
    await bucketFor('iso-b');
    await transferOf('iso-b').writeDocument('secret', { of: 'iso-b' });
    const a = agents.get('iso-a')!;
    const theirs = subjects.dataBucketOf('iso-b');
    const stream = `OBJ_${theirs}`;
    const refused = /permission|timeout/i;
    // Through the object store client, as an agent's own code would.
    await expect(
      new ObjectStoreDataTransfer(a.jetstream(), theirs, join(dir, 'a-sneaks')).readDocument(
        'secret',
      ),
    ).rejects.toThrow(refused);
    // And through the raw API: stream info, a stored message, a consumer, the object subjects.
    for (const subject of [
      `$JS.API.STREAM.INFO.${stream}`,
      `$JS.API.STREAM.MSG.GET.${stream}`,
      `$JS.API.DIRECT.GET.${stream}`,
      `$JS.API.CONSUMER.CREATE.${stream}`,
      `$JS.API.CONSUMER.CREATE.${stream}.peek.$O.${theirs}.>`,
      `$JS.API.STREAM.PURGE.${stream}`,
      `$JS.API.STREAM.DELETE.${stream}`,
      `$JS.API.CONSUMER.LIST.${stream}`,
      '$JS.API.STREAM.LIST',
    ])
      await expect(a.request(subject, '{}', { timeout: 2000 })).rejects.toThrow(refused);
    expect(() => a.subscribe(`$O.${theirs}.>`)).not.toThrow();
    a.publish(`$O.${theirs}.M.planted`, 'x');
    await a.flush();
    await eventually(
      async () => violations('iso-a').some((line) => line.includes(`$O.${theirs}.M.planted`)),
      10_000,
    );
    expect(
      violations('iso-a').some(
        (line) => line.includes(`Subscription Violation`) && line.includes(`"$O.${theirs}.>"`),
      ),
    ).toBe(true);
    const held = await plane.jetstream().views.os(theirs, { storage: StorageType.File });
    expect((await held.list()).map((o) => o.name)).toEqual(['secret']);
  });

  itWhen(unavailable)(
    'a cold move still works: the source exports to its bucket, the saga copies, the target imports from its own',
    async () => {
      const bytes = payload(150_000);
      await bucketFor('iso-a');
      await transferOf('iso-a').upload('db-1/m-1', Readable.from([bytes]));
      // The saga's step (trusted): what AgentEnds.importData does before the target imports.
      await copyStoredData(
        plane.jetstream(),
        subjects.dataBucketOf('iso-a'),
        subjects.dataBucketOf('iso-b'),
        'db-1/m-1',
      );
      const download = await transferOf('iso-b').download('db-1/m-1');
      expect(await drain(download.stream)).toEqual(bytes);
      await download.done();
      expect(violations('iso-b')).toEqual([]);
    },
  );

  itWhen(unavailable)(
    "a dead host's instance is restored elsewhere: supervision finds its newest copy and delivers it to the new host's bucket",
    async () => {
      const bytes = payload(90_000);
      const key = backupKey('db-2', 1_700_000_000_000);
      // What back-up-instance writes on the host that later dies.
      await bucketFor('iso-a');
      const a = transferOf('iso-a');
      const stored = await a.upload(key, Readable.from([bytes]));
      await a.writeDocument(backupIndexKey('db-2'), {
        version: 1,
        instance: 'db-2',
        copies: [{ key, at: 1_700_000_000_000, size: stored.size, sha256: stored.sha256 }],
      });
      const catalog = new ObjectStoreBackupCatalog(plane, subjects);
      expect(await catalog.newestOf('db-2', 'iso-a')).toMatchObject({ key });
      expect(await catalog.newestOf('db-2', 'iso-never')).toBeUndefined();
      expect(await catalog.deliver(key, 'iso-a', 'iso-b')).toBe('copied');
      expect(await catalog.deliver(backupKey('db-2', 1), 'iso-a', 'iso-b')).toBe('missing');
      const download = await transferOf('iso-b').download(key);
      expect(await drain(download.stream)).toEqual(bytes);
      await download.done();
      expect(violations('iso-b')).toEqual([]);
    },
  );
});
