import { ErrorCodes, Subjects } from '@federa/contracts';
import type { NatsConnection } from 'nats';
import type { HostStanding } from '../domain/host-standing';
import type { MovingInstance } from '../saga/migration-ends';
import { AgentEnds } from './agent-ends';
import type { ClusterReader } from './cluster-reader';

const move: MovingInstance = {
  migration: 'm-1',
  instance: 'shop-db-a1b2c3',
  service: 'shop',
  app: 'db',
  from: 'host-a',
  to: 'host-b',
};

/** A connection whose subscriptions are counted and whose requests fail as `request` says. */
function connection(request: () => Promise<unknown>) {
  const subscriptions = { opened: 0, closed: 0 };
  const nc = {
    subscribe: () => {
      subscriptions.opened += 1;
      return { unsubscribe: () => (subscriptions.closed += 1) };
    },
    request,
  } as unknown as NatsConnection;
  return { nc, subscriptions };
}

function clusterWith(standing: HostStanding): ClusterReader {
  return { host: async () => standing } as unknown as ClusterReader;
}

describe('a command that never reaches its agent', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it.each([
    {
      why: 'its host is not up',
      standing: { epoch: 1, up: false, layers: [] },
      request: () => Promise.reject(new Error('not asked')),
    },
    {
      why: 'its agent does not answer',
      standing: { epoch: 1, up: true, layers: [] },
      request: () => Promise.reject(new Error('TIMEOUT')),
    },
  ])(
    'fails at once and stops waiting for its outcome when $why: no subscription or timer is left',
    async ({ standing, request }) => {
      const { nc, subscriptions } = connection(request);
      const ends = new AgentEnds(nc, new Subjects('test'), clusterWith(standing));
      await expect(ends.stopSource(move)).rejects.toMatchObject({ code: ErrorCodes.unavailable });
      expect(subscriptions).toEqual({ opened: 1, closed: 1 });
      expect(jest.getTimerCount()).toBe(0);
    },
  );
});
