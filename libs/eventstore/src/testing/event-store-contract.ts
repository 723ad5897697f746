import { randomUUID } from 'node:crypto';
import { ValidationFailed, type NewEvent, type RecordedEvent } from '@federa/contracts';
// By path, not the @federa/testing index: that loads pg, and the in-memory store's spec needs none.
import { eventually } from '../../../testing/src/eventually';
import { EventIdReused } from '../errors/event-id-reused';
import { StreamVersionConflict } from '../errors/stream-version-conflict';
import { StreamsVersionConflict } from '../errors/streams-version-conflict';
import type { EventStore, LogCheckpoint, ReadAllResult } from '../event-store';
import {
  acceptAnyObject,
  type EventUpcaster,
  type EventValidator,
} from '../validation/event-validator';

/** A store under contract: one that also appends to several streams and reads the log in pages. */
export type ContractEventStore = EventStore &
  Required<Pick<EventStore, 'appendMany' | 'readAllPages'>>;

/** The log a contract run works on. */
export interface EventStoreContractLog {
  /**
   * A store on the log under test, with the contracts registry's validator and upcasters unless given.
   * Stores may share one log or each have their own: every test writes streams of its own and reads
   * the whole log only from where it stood when the test began.
   */
  store(options?: { validate?: EventValidator; upcast?: EventUpcaster }): ContractEventStore;
  /** Called once after the last test. */
  close?(): Promise<void>;
}

/** An event with metadata every store accepts, and an id of its own so that sending it again is a retry. */
function event(type: string, data: unknown = { host: 'mph-1' }): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    data,
    metadata: { correlationId: randomUUID(), actor: 'test', occurredAt: new Date().toISOString() },
  };
}

/** Requires `host` (string) in HostRegistered data, as the contracts registry would; accepts the rest. */
const hostRegisteredNeedsHost: EventValidator = ({ type, data }) => {
  if (type !== 'HostRegistered') return { ok: true, schemaVersion: 1 };
  const host = (data as { host?: unknown } | null)?.host;
  return typeof host === 'string'
    ? { ok: true, schemaVersion: 1 }
    : { ok: false, errors: [{ path: 'data.host', reason: 'must be a string' }] };
};

const everything = 1_000_000;

/** Where the log stands now: later appends come after this checkpoint. */
async function headOf(store: EventStore): Promise<LogCheckpoint> {
  return (await store.readAll(null, everything)).checkpoint;
}

/**
 * The events after `from` once at least `count` are visible: a store may hold readers back while an
 * older transaction is still open (PostgresEventStore does, for any transaction on its server).
 */
async function visibleAfter(
  store: EventStore,
  from: LogCheckpoint,
  count: number,
): Promise<ReadAllResult> {
  return eventually(async () => {
    const page = await store.readAll(from, everything);
    return page.events.length >= count ? page : undefined;
  }, 20_000) as Promise<ReadAllResult>;
}

async function failureOf(attempt: Promise<unknown>): Promise<unknown> {
  return attempt.then(
    () => {
      throw new Error('expected the store to refuse');
    },
    (error: unknown) => error,
  );
}

async function countEvents(store: EventStore, ...streamIds: string[]): Promise<number> {
  const streams = await Promise.all(streamIds.map((id) => store.readStream(id)));
  return streams.reduce((n, s) => n + s.events.length, 0);
}

/**
 * The behaviour every EventStore shares, as one suite: run it against each implementation so that a
 * test written against one store holds for the others.
 */
export function describeEventStoreContract(
  name: string,
  openLog: () => Promise<EventStoreContractLog>,
): void {
  describe(`${name}, as every event store`, () => {
    let log: EventStoreContractLog;

    beforeAll(async () => {
      log = await openLog();
    });

    afterAll(() => log?.close?.());

    describe('appending to one stream', () => {
      let store: ContractEventStore;
      beforeAll(() => {
        store = log.store({ validate: hostRegisteredNeedsHost });
      });

      it("starts a stream with 'no-stream' and continues it from the version the writer read, or from any", async () => {
        const streamId = `host-${randomUUID()}`;
        const first = await store.append(streamId, 'no-stream', [event('HostRegistered')]);
        const second = await store.append(streamId, 1, [event('HostCordoned')]);
        const third = await store.append(streamId, 'any', [event('HostUncordoned')]);
        expect([first, second, third].map((r) => r.nextExpectedVersion)).toEqual([1, 2, 3]);
        expect(first.lastPosition).toBeLessThan(second.lastPosition);
        expect(second.lastPosition).toBeLessThan(third.lastPosition);
        const { events, version } = await store.readStream(streamId);
        expect(version).toBe(3);
        expect(events.map((e) => e.position)).toEqual([
          first.lastPosition,
          second.lastPosition,
          third.lastPosition,
        ]);
      });

      it('refuses a writer whose expected version is not the stream’s, naming both, and appends nothing', async () => {
        const streamId = `host-${randomUUID()}`;
        const empty = `host-${randomUUID()}`;
        await store.append(streamId, 'no-stream', [event('HostRegistered'), event('HostCordoned')]);
        const refusals = await Promise.all([
          failureOf(store.append(streamId, 1, [event('HostDown')])),
          failureOf(store.append(streamId, 3, [event('HostDown')])),
          failureOf(store.append(streamId, 'no-stream', [event('HostDown')])),
          failureOf(store.append(empty, 1, [event('HostDown')])),
        ]);
        for (const refusal of refusals) expect(refusal).toBeInstanceOf(StreamVersionConflict);
        expect(refusals).toEqual([
          expect.objectContaining({ streamId, expected: 1, actual: 2 }),
          expect.objectContaining({ streamId, expected: 3, actual: 2 }),
          expect.objectContaining({ streamId, expected: 'no-stream', actual: 2 }),
          expect.objectContaining({ streamId: empty, expected: 1, actual: 0 }),
        ]);
        expect(await store.readStream(streamId)).toMatchObject({ version: 2 });
        expect(await store.readStream(empty)).toEqual({ events: [], version: 0 });
      });

      it('takes an expected version that is not a version (negative, fractional) as a conflict', async () => {
        const streamId = `host-${randomUUID()}`;
        await store.append(streamId, 'no-stream', [event('HostRegistered')]);
        for (const expected of [-1, 0.5]) {
          const refusal = await failureOf(store.append(streamId, expected, [event('HostDown')]));
          expect(refusal).toBeInstanceOf(StreamVersionConflict);
          expect(refusal).toMatchObject({ streamId, expected, actual: 1 });
        }
        expect(await countEvents(store, streamId)).toBe(1);
      });

      it('appends a batch atomically with consecutive versions and increasing positions', async () => {
        const streamId = `host-${randomUUID()}`;
        const result = await store.append(streamId, 'no-stream', [
          event('HostRegistered'),
          event('HostCordoned'),
          event('HostUncordoned'),
        ]);
        const { events } = await store.readStream(streamId);
        expect(result.nextExpectedVersion).toBe(3);
        expect(events.map((e) => e.type)).toEqual([
          'HostRegistered',
          'HostCordoned',
          'HostUncordoned',
        ]);
        expect(events.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
        expect(events[2].position).toBe(result.lastPosition);
        expect(events[0].position).toBeLessThan(events[1].position);
        expect(events[1].position).toBeLessThan(events[2].position);
      });

      it('treats a re-sent batch with the same event ids as already done and returns the original result', async () => {
        const streamId = `host-${randomUUID()}`;
        const batch = [event('HostRegistered'), event('HostCordoned')];
        const first = await store.append(streamId, 'no-stream', batch);
        await store.append(streamId, 2, [event('HostUncordoned')]);
        const again = await store.append(streamId, 'no-stream', batch);
        const concurrently = await Promise.all(
          [1, 2, 3].map(() => store.append(streamId, 'any', batch)),
        );
        const shouting = batch.map((e) => ({ ...e, eventId: e.eventId!.toUpperCase() }));
        expect(again).toEqual(first);
        expect(concurrently).toEqual([first, first, first]);
        expect(await store.append(streamId, 'any', shouting)).toEqual(first);
        expect(await countEvents(store, streamId)).toBe(3);
      });

      it('refuses event ids recorded elsewhere than as this batch of this stream, and appends nothing', async () => {
        const recorded = event('HostRegistered');
        const elsewhere = `host-${randomUUID()}`;
        await store.append(elsewhere, 'no-stream', [recorded]);
        const streamId = `host-${randomUUID()}`;
        const toAnother = await failureOf(store.append(streamId, 'any', [recorded]));
        const withNewOnes = await failureOf(
          store.append(elsewhere, 'any', [recorded, event('HostCordoned')]),
        );
        expect(toAnother).toBeInstanceOf(EventIdReused);
        expect(toAnother).toMatchObject({ streamId, eventIds: [recorded.eventId] });
        expect(withNewOnes).toBeInstanceOf(EventIdReused);
        expect(await countEvents(store, streamId, elsewhere)).toBe(1);
      });

      it('refuses a malformed event with its field errors and appends nothing of the batch', async () => {
        const streamId = `host-${randomUUID()}`;
        const from = await headOf(store);
        const attempt = store.append(streamId, 'no-stream', [
          event('HostRegistered'),
          event('HostRegistered', { host: 42 }),
          {
            ...event('HostCordoned'),
            metadata: { actor: '', occurredAt: 'yesterday' },
          } as NewEvent,
        ]);
        const error = (await failureOf(attempt)) as ValidationFailed;
        expect(error).toBeInstanceOf(ValidationFailed);
        expect(error.errors).toEqual(
          expect.arrayContaining([
            { path: 'events[1].data.host', reason: 'must be a string' },
            { path: 'events[2].metadata.correlationId', reason: 'must be a non-empty string' },
            { path: 'events[2].metadata.actor', reason: 'must be a non-empty string' },
            { path: 'events[2].metadata.occurredAt', reason: 'must be an ISO-8601 time' },
          ]),
        );
        expect(await store.readStream(streamId)).toEqual({ events: [], version: 0 });
        // Nothing anywhere else in the log either: the next event after the refusal is the marker.
        const marker = `host-${randomUUID()}`;
        await store.append(marker, 'no-stream', [event('HostRegistered')]);
        const since = await visibleAfter(store, from, 1);
        expect(since.events.map((e) => e.streamId)).toEqual([marker]);
      });

      it('checks events against the contracts registry by default', async () => {
        const registryStore = log.store();
        const streamId = `host-${randomUUID()}`;
        const refused = (await failureOf(
          registryStore.append(streamId, 'no-stream', [
            event('HostCordoned', { host: 'mph-1', reason: 7 }),
          ]),
        )) as ValidationFailed;
        expect(refused).toBeInstanceOf(ValidationFailed);
        expect(refused.errors).toEqual([
          { path: 'events[0].data.reason', reason: expect.any(String) },
        ]);
        const unknown = (await failureOf(
          registryStore.append(streamId, 'no-stream', [event('HostExploded', { host: 'mph-1' })]),
        )) as ValidationFailed;
        expect(unknown.errors).toEqual([
          { path: 'events[0].type', reason: expect.stringContaining('unknown') },
        ]);
        const accepted = await registryStore.append(streamId, 'no-stream', [
          event('HostCordoned', { host: 'mph-1', reason: 'maintenance' }),
        ]);
        expect(accepted.nextExpectedVersion).toBe(1);
        const [stored] = (await registryStore.readStream(streamId)).events;
        expect(stored).toMatchObject({
          type: 'HostCordoned',
          schemaVersion: 1,
          data: { host: 'mph-1' },
        });
      });

      it('refuses a stream id without a category, an event type that is not PascalCase, and an empty batch', async () => {
        const attempt = store.append('nocategory', 'any', [event('host_registered')]);
        const error = (await failureOf(attempt)) as ValidationFailed;
        expect(error).toBeInstanceOf(ValidationFailed);
        expect(error.errors.map((e) => e.path)).toEqual(['streamId', 'events[0].type']);
        const empty = (await failureOf(
          store.append(`host-${randomUUID()}`, 'any', []),
        )) as ValidationFailed;
        expect(empty).toBeInstanceOf(ValidationFailed);
        expect(empty.errors.map((e) => e.path)).toEqual(['events']);
      });

      it('records each event with its id in lower case, its metadata and an ISO recorded time', async () => {
        const streamId = `host-${randomUUID()}`;
        const sent = event('HostRegistered', { host: 'mph-1', labels: ['a'] });
        await store.append(streamId, 'no-stream', [
          { ...sent, eventId: sent.eventId!.toUpperCase() },
        ]);
        const [stored] = (await store.readStream(streamId)).events;
        expect(stored).toEqual({
          position: expect.any(Number),
          streamId,
          streamVersion: 1,
          type: 'HostRegistered',
          schemaVersion: 1,
          data: { host: 'mph-1', labels: ['a'] },
          metadata: sent.metadata,
          eventId: sent.eventId,
          recordedAt: expect.any(String),
        });
        expect(new Date(stored.recordedAt).toISOString()).toBe(stored.recordedAt);
      });

      it('keeps an event as JSON keeps it: neither the writer nor a reader can change it afterwards', async () => {
        const streamId = `host-${randomUUID()}`;
        const data = { host: 'mph-1', labels: ['a'], gone: undefined as unknown };
        await store.append(streamId, 'no-stream', [event('HostRegistered', data)]);
        data.labels.push('written later');
        const [read] = (await store.readStream(streamId)).events;
        (read.data as { labels: string[] }).labels.push('read and changed');
        const [again] = (await store.readStream(streamId)).events;
        expect(again.data).toEqual({ host: 'mph-1', labels: ['a'] });
        expect(Object.keys(again.data as object)).not.toContain('gone');
      });

      it('gives back object keys in jsonb order (shortest first, then by bytes), not as written', async () => {
        const streamId = `host-${randomUUID()}`;
        const data = { host: 'mph-1', zz: 1, labels: { bb: 1, c: 2, a: 3 } };
        await store.append(streamId, 'no-stream', [event('HostRegistered', data)]);
        const [read] = (await store.readStream(streamId)).events;
        const stored = read.data as { labels: object };
        expect(Object.keys(stored)).toEqual(['zz', 'host', 'labels']);
        expect(Object.keys(stored.labels)).toEqual(['a', 'c', 'bb']);
      });

      it('refuses a NUL character in data, as jsonb does, and appends nothing of the batch', async () => {
        const streamId = `host-${randomUUID()}`;
        const attempt = store.append(streamId, 'no-stream', [
          event('HostRegistered'),
          event('HostCordoned', { host: 'mph-1', reason: 'a\u0000b' }),
        ]);
        expect(await failureOf(attempt)).toMatchObject({ code: '22P05' });
        expect(await store.readStream(streamId)).toEqual({ events: [], version: 0 });
      });

      it('refuses data JSON cannot hold and appends nothing of the batch', async () => {
        // The refused event comes last in the log's order, after one that could have been recorded.
        const streamId = `host-a${randomUUID()}`;
        const attempt = store.append(streamId, 'no-stream', [
          event('HostRegistered'),
          event('HostCordoned', { host: 'mph-1', weight: BigInt(1) }),
        ]);
        expect(await failureOf(attempt)).toBeInstanceOf(TypeError);
        const many = store.appendMany([
          { streamId, expected: 'any', events: [event('HostRegistered')] },
          {
            streamId: `host-b${randomUUID()}`,
            expected: 'any',
            events: [event('HostCordoned', { host: 'mph-1', weight: BigInt(1) })],
          },
        ]);
        expect(await failureOf(many)).toBeInstanceOf(TypeError);
        expect(await store.readStream(streamId)).toEqual({ events: [], version: 0 });
      });
    });

    describe('appending to several streams at once', () => {
      let store: ContractEventStore;
      beforeAll(() => {
        store = log.store({ validate: hostRegisteredNeedsHost });
      });

      it('appends to several streams at once and answers each stream its version and last position', async () => {
        const host = `allocation-${randomUUID()}`;
        const a = `instance-a${randomUUID()}`;
        const b = `instance-b${randomUUID()}`;
        await store.append(host, 'no-stream', [event('HostAllocationChanged')]);
        const result = await store.appendMany([
          {
            streamId: host,
            expected: 1,
            events: [event('HostAllocationChanged'), event('HostAllocationChanged')],
          },
          { streamId: b, expected: 'any', events: [event('PlacementFailed')] },
          { streamId: a, expected: 'no-stream', events: [event('InstancePlaced')] },
        ]);
        const hostEvents = (await store.readStream(host)).events;
        const [placed] = (await store.readStream(a)).events;
        const [failed] = (await store.readStream(b)).events;
        expect(hostEvents.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
        expect(result.streams).toEqual([
          { nextExpectedVersion: 3, lastPosition: hostEvents[2].position },
          { nextExpectedVersion: 1, lastPosition: failed.position },
          { nextExpectedVersion: 1, lastPosition: placed.position },
        ]);
        // Positions follow stream id order across streams ('allocation-…', 'instance-a…', 'instance-b…'),
        // whatever the order given.
        expect(hostEvents[1].position).toBeLessThan(hostEvents[2].position);
        expect(hostEvents[2].position).toBeLessThan(Math.min(placed.position, failed.position));
        expect(placed.position).toBeLessThan(failed.position);
        expect(result.lastPosition).toBe(Math.max(placed.position, failed.position));
      });

      it('appends nothing to any stream when one stream is not at its expected version, and names it', async () => {
        const good = `allocation-${randomUUID()}`;
        const stale = `allocation-${randomUUID()}`;
        const instance = `instance-${randomUUID()}`;
        await store.append(good, 'no-stream', [event('HostAllocationChanged')]);
        await store.append(stale, 'no-stream', [
          event('HostAllocationChanged'),
          event('HostAllocationChanged'),
        ]);
        const error = (await failureOf(
          store.appendMany([
            { streamId: good, expected: 1, events: [event('HostAllocationChanged')] },
            { streamId: stale, expected: 1, events: [event('HostAllocationChanged')] },
            { streamId: instance, expected: 'any', events: [event('InstancePlaced')] },
          ]),
        )) as StreamsVersionConflict;
        expect(error).toBeInstanceOf(StreamsVersionConflict);
        expect(error.conflicts).toEqual([{ streamId: stale, expected: 1, actual: 2 }]);
        expect(error.streamIds).toEqual([stale]);
        expect(await countEvents(store, good)).toBe(1);
        expect(await countEvents(store, stale)).toBe(2);
        expect(await countEvents(store, instance)).toBe(0);
      });

      it('names every stream that is not at its expected version in one conflict', async () => {
        const stale = `allocation-${randomUUID()}`;
        const taken = `instance-${randomUUID()}`;
        await store.append(stale, 'no-stream', [event('HostAllocationChanged')]);
        await store.append(taken, 'no-stream', [event('InstancePlaced')]);
        const error = (await failureOf(
          store.appendMany([
            { streamId: taken, expected: 'no-stream', events: [event('InstancePlaced')] },
            { streamId: stale, expected: 0, events: [event('HostAllocationChanged')] },
          ]),
        )) as StreamsVersionConflict;
        expect(error).toBeInstanceOf(StreamsVersionConflict);
        expect(error.conflicts).toEqual(
          expect.arrayContaining([
            { streamId: taken, expected: 'no-stream', actual: 1 },
            { streamId: stale, expected: 0, actual: 1 },
          ]),
        );
        expect(error.conflicts).toHaveLength(2);
        expect(await countEvents(store, stale, taken)).toBe(2);
      });

      it('treats the same batches sent again as already done and returns the original result', async () => {
        const host = `allocation-${randomUUID()}`;
        const instance = `instance-${randomUUID()}`;
        const appends = [
          {
            streamId: host,
            expected: 'no-stream' as const,
            events: [event('HostAllocationChanged')],
          },
          { streamId: instance, expected: 'any' as const, events: [event('InstancePlaced')] },
        ];
        const first = await store.appendMany(appends);
        const again = await store.appendMany(appends);
        const concurrently = await Promise.all([1, 2, 3].map(() => store.appendMany(appends)));
        expect(again).toEqual(first);
        expect(concurrently).toEqual([first, first, first]);
        expect(await countEvents(store, host, instance)).toBe(2);
      });

      it('refuses event ids already recorded in another stream and appends nothing', async () => {
        const reused = event('InstancePlaced');
        await store.append(`instance-${randomUUID()}`, 'no-stream', [reused]);
        const host = `allocation-${randomUUID()}`;
        const attempt = store.appendMany([
          { streamId: host, expected: 'no-stream', events: [event('HostAllocationChanged')] },
          { streamId: `instance-${randomUUID()}`, expected: 'no-stream', events: [reused] },
        ]);
        expect(await failureOf(attempt)).toBeInstanceOf(EventIdReused);
        expect(await countEvents(store, host)).toBe(0);
      });

      it('refuses malformed appends with every error located, and appends nothing', async () => {
        const host = `host-${randomUUID()}`;
        const shared = event('HostCordoned');
        const error = (await failureOf(
          store.appendMany([
            { streamId: host, expected: 'no-stream', events: [event('HostRegistered'), shared] },
            {
              streamId: `host-${randomUUID()}`,
              expected: -1,
              events: [event('HostRegistered', { host: 7 })],
            },
            { streamId: host, expected: 'any', events: [shared] },
            { streamId: 'nocategory', expected: 'any', events: [] },
          ]),
        )) as ValidationFailed;
        expect(error).toBeInstanceOf(ValidationFailed);
        expect(error.errors).toEqual(
          expect.arrayContaining([
            { path: 'appends[1].expected', reason: expect.stringContaining('version') },
            { path: 'appends[1].events[0].data.host', reason: 'must be a string' },
            { path: 'appends[2].streamId', reason: 'appears twice' },
            { path: 'appends[2].events[0].eventId', reason: 'appears twice in the batch' },
            { path: 'appends[3].streamId', reason: expect.any(String) },
            { path: 'appends[3].events', reason: 'must be a non-empty array' },
          ]),
        );
        expect(await failureOf(store.appendMany([]))).toBeInstanceOf(ValidationFailed);
        expect(await countEvents(store, host)).toBe(0);
      });
    });

    describe('reading', () => {
      let store: ContractEventStore;
      beforeAll(() => {
        store = log.store({ validate: acceptAnyObject });
      });

      it('reads an empty stream as version 0 and a stream from a given version', async () => {
        const streamId = `host-${randomUUID()}`;
        expect(await store.readStream(streamId)).toEqual({ events: [], version: 0 });
        await store.append(streamId, 'no-stream', [event('HostRegistered'), event('HostDown')]);
        const tail = await store.readStream(streamId, { fromVersion: 2 });
        expect(tail.events.map((e) => e.type)).toEqual(['HostDown']);
        expect(tail.version).toBe(2);
        expect((await store.readStream(streamId, { fromVersion: 3 })).version).toBe(2);
        expect((await store.readStream(streamId, { fromVersion: 3 })).events).toEqual([]);
      });

      it('brings every event read to the latest schema version through the store’s upcaster', async () => {
        // A type the contracts registry does not know: stores with its upcasters may share this log.
        const renaming: EventUpcaster = (e) =>
          e.type === 'Tallied' && e.schemaVersion === 1
            ? { ...e, schemaVersion: 2, data: { count: (e.data as { n: number }).n } }
            : e;
        const upcasting = log.store({ validate: acceptAnyObject, upcast: renaming });
        const from = await headOf(upcasting);
        const streamId = `stats-${randomUUID()}`;
        await upcasting.append(streamId, 'no-stream', [
          { ...event('Tallied', { n: 3 }), schemaVersion: 1 },
          { ...event('Tallied', { count: 4 }), schemaVersion: 2 },
        ]);
        const [old, current] = (await upcasting.readStream(streamId)).events;
        expect([old, current].map((e) => [e.schemaVersion, e.data])).toEqual([
          [2, { count: 3 }],
          [2, { count: 4 }],
        ]);
        const all = await visibleAfter(upcasting, from, 2);
        expect(all.events.filter((e) => e.streamId === streamId)).toEqual([old, current]);
        const paged: RecordedEvent[] = [];
        for await (const page of upcasting.readAllPages(from, 1)) paged.push(...page.events);
        expect(paged.filter((e) => e.streamId === streamId)).toEqual([old, current]);
      });

      it('gives the log in position order, at most `limit` events a page, each checkpoint at its page’s last event', async () => {
        const from = await headOf(store);
        const streamId = `stats-${randomUUID()}`;
        for (let n = 0; n < 5; n++) {
          await store.append(streamId, 'any', [event('Tallied', { n })]);
        }
        await visibleAfter(store, from, 5);
        const pages: ReadAllResult[] = [];
        for (let after = from, n = 0; n < 5;) {
          const page = await store.readAll(after, 2);
          pages.push(page);
          n += page.events.length;
          after = page.checkpoint;
        }
        expect(pages.map((p) => p.events.length)).toEqual([2, 2, 1]);
        const read = pages.flatMap((p) => p.events);
        expect(read.map((e) => (e.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4]);
        expect(read.map((e) => e.position)).toEqual(
          [...read.map((e) => e.position)].sort((x, y) => x - y),
        );
        for (const page of pages) {
          expect(page.checkpoint.position).toBe(page.events[page.events.length - 1].position);
        }
      });

      it('continues from a checkpoint with the events after it and returns the same checkpoint when none are new', async () => {
        const from = await headOf(store);
        await store.append(
          `stats-${randomUUID()}`,
          'no-stream',
          Array.from({ length: 4 }, (_, n) => event('Tallied', { n })),
        );
        await visibleAfter(store, from, 4);
        const first = await store.readAll(null, 3);
        const rest = await store.readAll(first.checkpoint, everything);
        const all = await store.readAll(null, everything);
        expect(first.events).toHaveLength(3);
        expect([...first.events, ...rest.events].map((e) => e.eventId)).toEqual(
          all.events.map((e) => e.eventId),
        );
        const none = await store.readAll(all.checkpoint, 10);
        expect(none).toEqual({ events: [], checkpoint: all.checkpoint });
        const nothingAsked = await store.readAll(from, 0);
        expect(nothingAsked).toEqual({ events: [], checkpoint: from });
      });

      it('reads through readAllPages the same events and checkpoints that readAll pages give', async () => {
        const from = await headOf(store);
        await store.append(
          `stats-${randomUUID()}`,
          'no-stream',
          Array.from({ length: 23 }, (_, n) => event('Tallied', { n })),
        );
        await visibleAfter(store, from, 23);
        const pages: ReadAllResult[] = [];
        for await (const page of store.readAllPages(from, 4)) pages.push(page);
        const viaPages = pages.flatMap((p) => p.events);
        const viaReadAll: RecordedEvent[] = [];
        for (let after = from; viaReadAll.length < viaPages.length;) {
          const page = await store.readAll(after, 4);
          viaReadAll.push(...page.events);
          after = page.checkpoint;
        }
        expect(viaPages.length).toBeGreaterThanOrEqual(23);
        expect(viaPages).toEqual(viaReadAll);
        expect(pages.slice(0, -1).every((p) => p.events.length === 4)).toBe(true);
        for (const page of pages) {
          expect(page.checkpoint.position).toBe(page.events[page.events.length - 1].position);
        }
        const rest = await store.readAll(pages[pages.length - 1].checkpoint, everything);
        expect(rest.events.map((e) => e.eventId)).not.toContain(viaPages[0].eventId);
      });

      it('ends readAllPages at the events there when it started; readAll then gives the later ones', async () => {
        const from = await headOf(store);
        const before = `stats-${randomUUID()}`;
        const later = `stats-${randomUUID()}`;
        await store.append(
          before,
          'no-stream',
          Array.from({ length: 3 }, (_, n) => event('Tallied', { n })),
        );
        await visibleAfter(store, from, 3);
        const seen: RecordedEvent[] = [];
        let checkpoint = from;
        for await (const page of store.readAllPages(from, 1)) {
          if (seen.length === 0) await store.append(later, 'no-stream', [event('Tallied')]);
          seen.push(...page.events);
          checkpoint = page.checkpoint;
        }
        expect(seen.map((e) => e.streamId)).toEqual([before, before, before]);
        const next = await visibleAfter(store, checkpoint, 1);
        expect(next.events.map((e) => e.streamId)).toEqual([later]);
      });
    });
  });
}
