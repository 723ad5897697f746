import type { RecordedEvent } from '@federa/contracts';
import type { PoolClient } from 'pg';
import { StatisticsEventHandlers, type StatisticsEventHandler } from './statistics-event-handlers';

const event = (type: string) => ({ type, position: 1 }) as unknown as RecordedEvent;
const db = {} as PoolClient;

function recording(name: string, seen: string[], types?: string[]): StatisticsEventHandler {
  return {
    name,
    ...(types ? { types } : {}),
    handle: async (e) => {
      seen.push(`${name}:${e.type}`);
    },
  };
}

describe('StatisticsEventHandlers', () => {
  it('applies an event with every handler that wants its type, in the order they registered', async () => {
    const seen: string[] = [];
    const handlers = new StatisticsEventHandlers();
    handlers.register(recording('catalogue', seen, ['HostRegistered']));
    handlers.register(recording('usage', seen));
    handlers.register(recording('cost', seen, ['ServiceDefined', 'HostRegistered']));
    await handlers.apply(event('HostRegistered'), db);
    await handlers.apply(event('InstancePlaced'), db);
    expect(seen).toEqual([
      'catalogue:HostRegistered',
      'usage:HostRegistered',
      'cost:HostRegistered',
      'usage:InstancePlaced',
    ]);
  });

  it('refuses a second handler of the same name', () => {
    const handlers = new StatisticsEventHandlers();
    handlers.register(recording('usage', []));
    expect(() => handlers.register(recording('usage', []))).toThrow(
      'handler usage is already registered',
    );
  });

  it('refuses a handler registered once the consumer has started, which would miss events', () => {
    const handlers = new StatisticsEventHandlers();
    handlers.seal();
    expect(() => handlers.register(recording('late', []))).toThrow(
      'handler late registered after the consumer started',
    );
    expect(handlers.names).toEqual([]);
  });

  it('lets a handler’s failure through, so that the event is retried', async () => {
    const handlers = new StatisticsEventHandlers();
    handlers.register({
      name: 'broken',
      handle: async () => {
        throw new Error('disk full');
      },
    });
    await expect(handlers.apply(event('HostDown'), db)).rejects.toThrow('disk full');
  });
});
