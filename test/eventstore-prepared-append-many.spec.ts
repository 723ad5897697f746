import { randomUUID } from 'node:crypto';
import { ValidationFailed } from '@federa/contracts';
import { StreamsVersionConflict, type PostgresEventStore } from '@federa/eventstore';
import { openTestEventLog, testEvent, type TestEventLog } from './event-log-fixture';

describe('a multi-stream append prepared ahead of its expected versions', () => {
  let log: TestEventLog;
  let store: PostgresEventStore;

  beforeAll(async () => {
    log = await openTestEventLog('es_prepared_append');
    ({ store } = log);
  });

  afterAll(() => log?.close());

  it('appends as appendMany would, at the versions given when it is sent', async () => {
    const ledger = `allocation-${randomUUID()}`;
    const instance = `instance-${randomUUID()}`;
    await store.append(ledger, 'no-stream', [
      testEvent('HostAllocationChanged', { host: 'mph-1' }),
    ]);
    const prepared = store.prepareAppendMany([
      { streamId: ledger, events: [testEvent('HostAllocationChanged', { host: 'mph-1' })] },
      { streamId: instance, events: [testEvent('InstancePlaced', { instance: 'i-1' })] },
    ]);
    expect(prepared.streamIds).toEqual([ledger, instance]);

    const result = await store.appendManyPrepared(prepared, [1, 'no-stream']);

    expect(result.streams.map((s) => s.nextExpectedVersion)).toEqual([2, 1]);
    expect((await store.readStream(ledger)).version).toBe(2);
    expect((await store.readStream(instance)).events.map((e) => e.type)).toEqual([
      'InstancePlaced',
    ]);
  });

  it('appends nothing and names the stream another writer moved after it was prepared', async () => {
    const ledger = `allocation-${randomUUID()}`;
    const instance = `instance-${randomUUID()}`;
    await store.append(ledger, 'no-stream', [
      testEvent('HostAllocationChanged', { host: 'mph-1' }),
    ]);
    const prepared = store.prepareAppendMany([
      { streamId: ledger, events: [testEvent('HostAllocationChanged', { host: 'mph-1' })] },
      { streamId: instance, events: [testEvent('InstancePlaced', { instance: 'i-1' })] },
    ]);
    await store.append(ledger, 1, [testEvent('HostAllocationChanged', { host: 'mph-1' })]);

    const refused = store.appendManyPrepared(prepared, [1, 'no-stream']);

    await expect(refused).rejects.toBeInstanceOf(StreamsVersionConflict);
    await expect(refused).rejects.toMatchObject({
      conflicts: [{ streamId: ledger, expected: 1, actual: 2 }],
    });
    expect((await store.readStream(instance)).version).toBe(0);
  });

  it('refuses expected versions that are not one valid version per stream, naming each', async () => {
    const prepared = store.prepareAppendMany([
      {
        streamId: `instance-${randomUUID()}`,
        events: [testEvent('InstancePlaced', { instance: 'i-1' })],
      },
      {
        streamId: `instance-${randomUUID()}`,
        events: [testEvent('InstancePlaced', { instance: 'i-1' })],
      },
    ]);
    await expect(store.appendManyPrepared(prepared, [1])).rejects.toBeInstanceOf(ValidationFailed);
    await expect(store.appendManyPrepared(prepared, [1, -2])).rejects.toMatchObject({
      errors: [{ path: 'expected[1]' }],
    });
  });
});
