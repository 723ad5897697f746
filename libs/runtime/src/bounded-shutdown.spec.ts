import { drainWithin, endPoolWithin, type DrainableConnection } from './bounded-shutdown';

function pool(end: () => Promise<void>, total = 3, idle = 1) {
  return { end, totalCount: total, idleCount: idle };
}

function connection(drain: () => Promise<void>) {
  let closed = false;
  const nc: DrainableConnection & { closes: number } = {
    closes: 0,
    drain: async () => {
      await drain();
      closed = true;
    },
    close: async () => {
      nc.closes++;
      closed = true;
    },
    isClosed: () => closed,
  };
  return nc;
}

describe('a bounded shutdown', () => {
  it('ends a pool whose connections all come back without a word', async () => {
    const warnings: string[] = [];
    await endPoolWithin(
      pool(async () => undefined),
      'relay',
      {
        timeoutMs: 1000,
        warn: (m) => warnings.push(m),
      },
    );
    expect(warnings).toEqual([]);
  });

  it('goes on past a pool whose end never comes, saying how many connections were still in use', async () => {
    const warnings: string[] = [];
    await endPoolWithin(
      pool(() => new Promise(() => undefined)),
      'statistics',
      {
        timeoutMs: 20,
        warn: (m) => warnings.push(m),
      },
    );
    expect(warnings).toEqual([
      '[statistics] stopping: 2 Postgres connection(s) still in use after 20 ms; stopping without them',
    ]);
  });

  it('takes a pool that refuses to end (ended twice) as ended', async () => {
    const warnings: string[] = [];
    await endPoolWithin(
      pool(() => Promise.reject(new Error('Called end on pool more than once'))),
      'x',
      {
        timeoutMs: 1000,
        warn: (m) => warnings.push(m),
      },
    );
    expect(warnings).toEqual([]);
  });

  it('drains a connection and does not close it again', async () => {
    const nc = connection(async () => undefined);
    await drainWithin(nc, 'gateway', { timeoutMs: 1000, warn: () => undefined });
    expect(nc.isClosed()).toBe(true);
    expect(nc.closes).toBe(0);
  });

  it('closes a connection whose drain never ends, and says so', async () => {
    const warnings: string[] = [];
    const nc = connection(() => new Promise(() => undefined));
    await drainWithin(nc, 'migration', { timeoutMs: 20, warn: (m) => warnings.push(m) });
    expect(nc.closes).toBe(1);
    expect(nc.isClosed()).toBe(true);
    expect(warnings).toEqual(['[migration] stopping: NATS did not drain in 20 ms; closing it']);
  });

  it('closes a connection whose drain fails', async () => {
    const nc = connection(() => Promise.reject(new Error('connection draining')));
    await drainWithin(nc, 'supervision', { timeoutMs: 1000, warn: () => undefined });
    expect(nc.closes).toBe(1);
  });
});
