import { streamIds, type NewEvent, type RecordedEvent } from '@federa/contracts';
import type { EventStore, ExpectedVersion } from '@federa/eventstore';
import { InMemoryEventStore } from '@federa/eventstore/in-memory';
import {
  decideInstance,
  evolveInstanceLife,
  initialInstanceLife,
  InstanceCommandRefused,
  type InstanceCommand,
  type InstanceEvent,
  type InstanceLife,
} from '@federa/instance-lifecycle';
import fc from 'fast-check';
import { InstanceWriter, type InstanceOutcome } from './instance-writer';
import { placed, resources } from '../testing/supervised-shop.fixture';

const id = 'shop-db-1';
const stream = streamIds.instance(id);
const request: InstanceCommand = {
  type: 'request',
  data: {
    service: 'shop',
    app: 'db',
    instance: id,
    layer: 'process',
    resources,
    revision: 1,
    reason: 'deploy',
  },
} as InstanceCommand;
const place: InstanceCommand = { type: 'place', data: placed(id, 'db', 'h1') };
const start: InstanceCommand = { type: 'start', host: 'h1', layer: 'process' };
const observe = (state: string): InstanceCommand => ({
  type: 'observe',
  host: 'h1',
  state,
  failureThreshold: 3,
});
/** The histories that bring the instance to each state before the race. */
const lives: Record<string, InstanceCommand[]> = {
  pending: [request],
  placed: [request, place],
  starting: [request, place, start],
  running: [request, place, start, observe('running')],
  healthy: [request, place, start, observe('running'), observe('healthy')],
  unhealthy: [request, place, start, observe('healthy'), observe('unhealthy')],
};
const stopReason = fc.constantFrom('requested', 'scale-in', 'service-stopped', 'unhealthy');
const requestStop = stopReason.map((reason): InstanceCommand => ({ type: 'request-stop', reason }));

/** The two writers of each race, each with the states the instance may be in when they decide. */
const races = {
  'stop against place': {
    before: fc.constant('pending'),
    first: fc.constant(place),
    second: requestStop,
  },
  'start against stop': {
    before: fc.constant('placed'),
    first: fc.constant(start),
    second: requestStop,
  },
  'replace (fail) against stop': {
    before: fc.constantFrom('starting', 'running', 'healthy', 'unhealthy'),
    first: fc.constant<InstanceCommand>({ type: 'fail', reason: 'host h1 down', restarts: 0 }),
    second: requestStop,
  },
  'observation against stop': {
    before: fc.constantFrom('placed', 'starting', 'running', 'healthy', 'unhealthy'),
    first: fc.constantFrom('running', 'healthy', 'unhealthy', 'stopped', 'failed').map(observe),
    second: requestStop,
  },
};

/** The store one writer sees: every call goes through the race's scheduler; its own appends are noted. */
function writerStore(
  store: EventStore,
  scheduler: fc.Scheduler,
  appended: { expected: ExpectedVersion; events: NewEvent[] }[],
): EventStore {
  const append = scheduler.scheduleFunction(
    async (streamId: string, expected: ExpectedVersion, events: NewEvent[]) => {
      const result = await store.append(streamId, expected, events);
      appended.push({ expected, events });
      return result;
    },
  );
  return {
    append,
    readStream: scheduler.scheduleFunction((streamId: string) => store.readStream(streamId)),
    readAll: (after, limit) => store.readAll(after, limit),
  };
}

function decides(command: InstanceCommand, life: InstanceLife): InstanceEvent[] | 'refused' {
  try {
    return decideInstance(command, life);
  } catch (error) {
    if (error instanceof InstanceCommandRefused) return 'refused';
    throw error;
  }
}

const asEvent = (e: RecordedEvent | NewEvent) => ({ type: e.type, data: e.data }) as InstanceEvent;
const foldAll = (events: readonly InstanceEvent[]) =>
  events.reduce(evolveInstanceLife, initialInstanceLife());

describe('two writers racing on one instance', () => {
  for (const [name, race] of Object.entries(races)) {
    it(`${name}: every decision is applied or re-decided, and the stream stays a history the decider accepts`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          race.before,
          race.first,
          race.second,
          fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
          async (scheduler, before, first, second, behind) => {
            const store = new InMemoryEventStore();
            const history = lives[before];
            for (const command of history) {
              const { events, version } = await store.readStream(stream);
              const state = foldAll(events.map(asEvent));
              const decided = decideInstance(command, state);
              await store.append(
                stream,
                version === 0 ? 'no-stream' : version,
                decided.map((e) => ({
                  ...e,
                  metadata: {
                    correlationId: 'c',
                    actor: 'test',
                    occurredAt: new Date().toISOString(),
                  },
                })),
              );
            }
            const { events: prefix, version } = await store.readStream(stream);
            const life = foldAll(prefix.map(asEvent));

            // Each writer decides on its own view: current, or one event behind the log.
            const writers = [first, second].map((command, n) => {
              const appended: { expected: ExpectedVersion; events: NewEvent[] }[] = [];
              const seen = behind[n] && version > 1 ? version - 1 : version;
              const known = new Map([
                [id, { life: foldAll(prefix.slice(0, seen).map(asEvent)), version: seen }],
              ]);
              const writer = new InstanceWriter(
                writerStore(store, scheduler, appended),
                { lives: known },
                { debug: () => {} },
              );
              return { command, appended, writer };
            });
            const outcomes: (InstanceOutcome | undefined)[] = await scheduler.waitFor(
              Promise.all(writers.map((w) => w.writer.decide(id, w.command))),
            );

            const { events: final } = await store.readStream(stream);
            // Only the two writers appended after the prefix, each batch at the version it read,
            // and each batch is exactly what the decider answers from the state before it.
            const batches = writers
              .flatMap((w) => w.appended.map((a) => ({ ...a, command: w.command })))
              .sort(
                (a, b) =>
                  Number(a.expected === 'no-stream' ? 0 : a.expected) -
                  Number(b.expected === 'no-stream' ? 0 : b.expected),
              );
            let at = prefix.length;
            for (const batch of batches) {
              expect(batch.expected).toBe(at);
              const state = foldAll(final.slice(0, at).map(asEvent));
              expect(batch.events.map(asEvent)).toEqual(decides(batch.command, state));
              expect(final.slice(at, at + batch.events.length).map(asEvent)).toEqual(
                batch.events.map(asEvent),
              );
              at += batch.events.length;
            }
            expect(final).toHaveLength(at);

            const end = foldAll(final.map(asEvent));
            writers.forEach((w, n) => {
              const outcome = outcomes[n];
              // Applied: its events are in the stream. Re-decided: nothing of it is left to do.
              if (outcome?.events.length) expect(w.appended.length).toBeGreaterThan(0);
              const now = decides(w.command, end);
              expect(now === 'refused' || now.length === 0).toBe(true);
              // A writer that would have changed the instance alone and did not lost to the other.
              const alone = decides(w.command, life);
              if (alone !== 'refused' && alone.length > 0 && w.appended.length === 0)
                expect(writers[1 - n].appended.length).toBeGreaterThan(0);
            });
          },
        ),
        { numRuns: 150 },
      );
    }, 60_000);
  }
});
