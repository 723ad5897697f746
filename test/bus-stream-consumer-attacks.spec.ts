import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { busIdentity, readerConsumerName, Subjects } from '@federa/contracts';
import { DataBucketMissing, ensureHostDataBucket } from '@federa/messaging';
import { itWhen, natsServerBinary } from '@federa/testing';
import { AckPolicy, DeliverPolicy, StringCodec, type NatsConnection } from 'nats';
import { ObjectStoreDataTransfer } from '../services/agent/src/infrastructure/data/object-store-data-transfer';
import { AuthenticatedBus } from './bus-auth-fixture';

jest.setTimeout(180_000);

const unavailable = natsServerBinary() ? undefined : 'nats-server is not installed';
const refused = /permission|timeout/i;

/**
 * What an agent or a reader could do to JetStream on a bus with credentials beyond its own code
 * paths: configure a stream (an agent), or take another identity's consumer (a reader).
 */
describe('on a bus with credentials, JetStream configuration stays with the trusted side', () => {
  let bus: AuthenticatedBus;
  let subjects: Subjects;
  let agent: NatsConnection;
  let inventory: NatsConnection;
  let supervision: NatsConnection;

  beforeAll(async () => {
    if (unavailable) return;
    bus = await AuthenticatedBus.start('attacks', ['h1', 'h2']);
    subjects = new Subjects(bus.prefix);
    agent = await bus.connectAs(busIdentity('agent', 'h1'));
    inventory = await bus.connectAs(busIdentity('service', 'inventory'));
    supervision = await bus.connectAs(busIdentity('service', 'supervision'));
    // What another host holds, and the event stream: what a sourcing stream would copy.
    await ensureHostDataBucket(await supervision.jetstreamManager(), subjects.dataBucketOf('h2'));
    const h2 = await supervision.jetstream().views.os(subjects.dataBucketOf('h2'));
    await h2.putBlob({ name: 'backup' }, new TextEncoder().encode('H2 SECRET BACKUP'));
  });

  afterAll(async () => {
    for (const nc of [agent, inventory, supervision]) await nc?.close();
    await bus?.dispose();
  });

  const dataStreamOf = (host: string) => `OBJ_${subjects.dataBucketOf(host)}`;

  itWhen(unavailable)(
    'an agent cannot create its data stream, neither plain nor sourcing, mirroring or capturing foreign subjects',
    async () => {
      const jsm = await agent.jetstreamManager();
      const mine = dataStreamOf('h1');
      const own = `$O.${subjects.dataBucketOf('h1')}.>`;
      for (const config of [
        { name: mine, subjects: [own] },
        { name: mine, subjects: [own], sources: [{ name: dataStreamOf('h2') }] },
        { name: mine, mirror: { name: subjects.eventStream } },
        { name: mine, subjects: [own, subjects.agentCommand('h2'), `${bus.prefix}.cmd.>`] },
      ])
        await expect(jsm.streams.add(config)).rejects.toThrow(refused);
      // Through its own code path too: the transfer opens the bucket and never creates it.
      const transfer = new ObjectStoreDataTransfer(
        agent.jetstream(),
        subjects.dataBucketOf('h1'),
        join(tmpdir(), `${bus.prefix}-h1-spool`),
      );
      await expect(
        transfer.upload('i-1/export', Readable.from([Buffer.from('x')])),
      ).rejects.toThrow(DataBucketMissing);
      const plane = await supervision.jetstreamManager();
      await expect(plane.streams.info(mine)).rejects.toThrow(/not found/);
    },
  );

  itWhen(unavailable)(
    'an agent stores and reads its data in the bucket inventory made for it, and cannot change that bucket',
    async () => {
      await ensureHostDataBucket(await inventory.jetstreamManager(), subjects.dataBucketOf('h1'));
      const transfer = new ObjectStoreDataTransfer(
        agent.jetstream(),
        subjects.dataBucketOf('h1'),
        join(tmpdir(), `${bus.prefix}-h1-spool`),
      );
      const bytes = Buffer.from('instance data of h1');
      await transfer.upload('i-1/export', Readable.from([bytes]));
      const download = await transfer.download('i-1/export');
      const chunks: Buffer[] = [];
      for await (const chunk of download.stream) chunks.push(Buffer.from(chunk as Uint8Array));
      expect(Buffer.concat(chunks)).toEqual(bytes);
      await download.done();
      await transfer.remove('i-1/export');

      const mine = dataStreamOf('h1');
      const jsm = await agent.jetstreamManager();
      const sneaky = await agent
        .request(
          `$JS.API.STREAM.UPDATE.${mine}`,
          JSON.stringify({
            name: mine,
            subjects: [`$O.${subjects.dataBucketOf('h1')}.>`, subjects.agentCommand('h2')],
            sources: [{ name: dataStreamOf('h2') }],
          }),
          { timeout: 3000 },
        )
        .then(
          () => 'answered',
          (error: Error) => error.message,
        );
      expect(sneaky).toMatch(refused);
      await expect(jsm.streams.delete(mine)).rejects.toThrow(refused);
      const held = await (await supervision.jetstreamManager()).streams.info(mine);
      expect(held.config.sources ?? []).toEqual([]);
      expect([...held.config.subjects].sort()).toEqual([
        `$O.${subjects.dataBucketOf('h1')}.C.>`,
        `$O.${subjects.dataBucketOf('h1')}.M.>`,
      ]);
    },
  );

  itWhen(unavailable)(
    "a reader cannot fetch, ack or delete statistics' consumer, nor create one under another name; its own works",
    async () => {
      const sc = StringCodec();
      const relay = await bus.connectAs(busIdentity('service', 'relay'));
      const statistics = await bus.connectAs(busIdentity('service', 'statistics'));
      const reader = await bus.connectAs(busIdentity('reader', 'billing'));
      try {
        const stream = subjects.eventStream;
        await (
          await relay.jetstreamManager()
        ).streams.add({
          name: stream,
          subjects: [subjects.allEvents],
        });
        for (let i = 0; i < 3; i++)
          await relay
            .jetstream()
            .publish(subjects.event('host', 'HostRegistered'), sc.encode(`{"n":${i}}`));
        const theirs = await statistics.jetstreamManager();
        await theirs.consumers.add(stream, {
          durable_name: 'statistics',
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
        });

        const jsm = await reader.jetstreamManager();
        await expect(reader.jetstream().consumers.get(stream, 'statistics')).rejects.toThrow(
          refused,
        );
        const next = await reader
          .request(`$JS.API.CONSUMER.MSG.NEXT.${stream}.statistics`, '{"batch":3}', {
            timeout: 3000,
          })
          .then(
            () => 'answered',
            (error: Error) => error.message,
          );
        expect(next).toMatch(refused);
        await expect(jsm.consumers.delete(stream, 'statistics')).rejects.toThrow(refused);
        for (const name of ['statistics-2', 'billing', 'reader_other'])
          await expect(
            jsm.consumers.add(stream, { durable_name: name, ack_policy: AckPolicy.Explicit }),
          ).rejects.toThrow(refused);
        // The legacy create names no consumer in its subject, so it could name any in its body.
        const legacy = await reader
          .request(
            `$JS.API.CONSUMER.CREATE.${stream}`,
            JSON.stringify({ stream_name: stream, config: { durable_name: 'statistics' } }),
            { timeout: 3000 },
          )
          .then(
            () => 'answered',
            (error: Error) => error.message,
          );
        expect(legacy).toMatch(refused);
        const info = await theirs.consumers.info(stream, 'statistics');
        expect(info.num_pending).toBe(3);
        expect(info.ack_floor.stream_seq).toBe(0);

        // Its own consumer: create, fetch, ack, delete.
        const own = readerConsumerName('billing');
        await jsm.consumers.add(stream, {
          durable_name: own,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
        });
        const consumer = await reader.jetstream().consumers.get(stream, own);
        const seen: number[] = [];
        for await (const message of await consumer.fetch({ max_messages: 3, expires: 10_000 })) {
          seen.push(message.seq);
          await message.ackAck();
        }
        expect(seen).toEqual([1, 2, 3]);
        expect((await jsm.consumers.info(stream, own)).ack_floor.stream_seq).toBe(3);
        expect(await jsm.consumers.delete(stream, own)).toBe(true);
      } finally {
        for (const nc of [relay, statistics, reader]) await nc.close();
      }
    },
  );
});
