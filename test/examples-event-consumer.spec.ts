import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busIdentity, readerConsumerName, Subjects } from '@federa/contracts';
import { migrateEventStore, PostgresEventStore, PostgresLeaderLease } from '@federa/eventstore';
import { connectNats, eventStreamDuplicateWindowMs } from '@federa/messaging';
import {
  eventually,
  freshDatabase,
  itWhen,
  natsServerBinary,
  uniquePrefix,
  type FreshDatabase,
} from '@federa/testing';
import { nanos, type NatsConnection } from 'nats';
import { Pool } from 'pg';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import { EventRelay } from '../services/relay/src';
import { AuthenticatedBus } from './bus-auth-fixture';
import { appendFleetHistory, instanceLife } from './statistics-fleet-history';
import { killProcess } from './statistics-process';

// docs/INTEGRATING.md points platform teams at examples/event-consumer: it must do what it says
// against a real relay, stream and gateway, also when the stream has dropped what it needs.

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const token = 'example-consumer-token';
jest.setTimeout(180_000);

interface CounterState {
  lastStreamSeq: number;
  total: number;
  counts: Record<string, number>;
}

describe('the example event consumer', () => {
  let db: FreshDatabase;
  let pool: Pool;
  let store: PostgresEventStore;
  let nc: NatsConnection;
  let relay: EventRelay;
  let gateway: GatewayApp;
  const subjects = new Subjects(uniquePrefix('example'));
  const dir = mkdtempSync(join(tmpdir(), 'federa-example-consumer-'));
  const stateFile = join(dir, 'state.json');
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    db = await freshDatabase('example_consumer');
    pool = new Pool({ connectionString: db.url, max: 4 });
    await migrateEventStore(pool);
    store = new PostgresEventStore(pool);
    nc = await connectNats(natsUrl, 'example-consumer-test');
    // The stream keeps its last 10 messages only: everything older comes from the REST API.
    const jsm = await nc.jetstreamManager();
    await jsm.streams.add({
      name: subjects.eventStream,
      subjects: [subjects.allEvents],
      duplicate_window: nanos(eventStreamDuplicateWindowMs),
      max_msgs: 10,
    });
    relay = new EventRelay({
      pool,
      nc,
      subjects,
      store,
      lease: new PostgresLeaderLease(db.url, uniquePrefix('lease')),
      acquireEveryMs: 100,
    });
    relay.start();
    gateway = await createGatewayApp({
      databaseUrl: db.url,
      natsUrl,
      httpPort: 0,
      httpHost: '127.0.0.1',
      apiToken: token,
      heartbeatMs: 1000,
      subjectPrefix: subjects.prefix,
      logLevel: 'silent',
    });
  });

  afterAll(async () => {
    for (const child of children) await killProcess(child, 'SIGTERM');
    await gateway?.close();
    await relay?.stop();
    const jsm = await nc?.jetstreamManager();
    await jsm?.streams.delete(subjects.eventStream).catch(() => undefined);
    await nc?.close();
    await pool?.end();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  function runExample(): { child: ChildProcess; output: string[] } {
    const child = spawn(
      process.execPath,
      [join(__dirname, '..', 'examples', 'event-consumer', 'consumer.js')],
      {
        env: {
          ...process.env,
          FEDERA_NATS_URL: natsUrl,
          FEDERA_SUBJECT_PREFIX: subjects.prefix,
          FEDERA_API_URL: gateway.url,
          FEDERA_API_TOKEN: token,
          STATE_FILE: stateFile,
          // Small pages: a catch-up crosses several, each read after the previous one's `next`.
          PAGE_SIZE: '7',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    const output: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    return { child, output };
  }

  async function logCounts(): Promise<{ positions: number[]; counts: Record<string, number> }> {
    const { rows } = await pool.query(
      'SELECT position, type FROM eventlog.events ORDER BY position',
    );
    const counts: Record<string, number> = {};
    for (const row of rows) counts[row.type] = (counts[row.type] ?? 0) + 1;
    return { positions: rows.map((r) => Number(r.position)), counts };
  }

  /** Waits until the example has counted every event of the log, and answers its state. */
  async function countedAll(run: { output: string[] }): Promise<CounterState> {
    const { positions } = await logCounts();
    const state = await eventually(
      () => {
        if (!existsSync(stateFile)) return false;
        const state = JSON.parse(readFileSync(stateFile, 'utf8')) as CounterState;
        return state.total >= positions.length && state;
      },
      120_000,
      100,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the example said: ${run.output.join('').slice(-2000)}`);
    });
    return state as CounterState;
  }

  it('counts every event once, reading what the stream dropped from the REST API, and goes on after a restart', async () => {
    await appendFleetHistory(store, { hosts: 2, instances: 8 });
    const first = runExample();
    const state = await countedAll(first);
    const log = await logCounts();
    expect(state.total).toBe(log.positions.length);
    expect(state.counts).toEqual(log.counts);
    // What it keeps does not grow with the log: no list of positions.
    expect(Object.keys(state).sort()).toEqual(['counts', 'lastPosition', 'lastStreamSeq', 'total']);
    await killProcess(first.child, 'SIGTERM');

    // More happens while it is stopped than the stream keeps.
    for (let i = 0; i < 6; i++) await instanceLife(store, `later-${i}`, 'shop', 'h-1', ['h-2']);
    const second = runExample();
    const resumed = await countedAll(second);
    const after = await logCounts();
    expect(resumed.total).toBe(after.positions.length);
    expect(resumed.counts).toEqual(after.counts);
    await killProcess(second.child, 'SIGTERM');
  });
});

describe('the example event consumer on a bus with credentials', () => {
  let bus: AuthenticatedBus | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'federa-example-reader-'));
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child) await killProcess(child, 'SIGTERM');
    await bus?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  itWhen(natsServerBinary() ? undefined : 'nats-server is not installed')(
    'consumes as its reader, through the one consumer named after it',
    async () => {
      bus = await AuthenticatedBus.start('example-reader', []);
      const subjects = new Subjects(bus.prefix);
      const relay = await bus.connectAs(busIdentity('service', 'relay'));
      try {
        await (
          await relay.jetstreamManager()
        ).streams.add({
          name: subjects.eventStream,
          subjects: [subjects.allEvents],
        });
        for (let position = 1; position <= 3; position++)
          await relay
            .jetstream()
            .publish(
              subjects.event('host', 'HostRegistered'),
              JSON.stringify({ position, type: 'HostRegistered', streamId: `host-${position}` }),
            );
      } finally {
        await relay.close();
      }
      const stateFile = join(dir, 'state.json');
      const output: string[] = [];
      child = spawn(
        process.execPath,
        [join(__dirname, '..', 'examples', 'event-consumer', 'consumer.js')],
        {
          env: {
            ...process.env,
            FEDERA_NATS_URL: bus.url,
            FEDERA_SUBJECT_PREFIX: subjects.prefix,
            FEDERA_NATS_CREDENTIALS: bus.seedOf('reader', 'billing'),
            CONSUMER_NAME: '',
            STATE_FILE: stateFile,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      await eventually(
        () =>
          existsSync(stateFile) &&
          (JSON.parse(readFileSync(stateFile, 'utf8')) as CounterState).total === 3,
        120_000,
        100,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; the example said: ${output.join('').slice(-2000)}`);
      });
      expect(output.join('')).toContain(`as ${readerConsumerName('billing')}`);
    },
  );
});
