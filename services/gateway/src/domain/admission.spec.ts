import { AdmissionQueue, routeClassOf, type AdmissionLimits } from './admission';

const limits: AdmissionLimits = {
  concurrency: 2,
  latencyTargetMs: 0,
  queueLength: 2,
  queueMs: 100,
  standingQueueMs: 10,
  intervalMs: 50,
};

describe('route classes', () => {
  it('never sheds health, readiness, metrics or the event stream', () => {
    expect(routeClassOf('GET', '/healthz')).toBe('exempt');
    expect(routeClassOf('GET', '/readyz')).toBe('exempt');
    expect(routeClassOf('GET', '/metrics/')).toBe('exempt');
    expect(routeClassOf('GET', '/v1/events/stream')).toBe('exempt');
  });

  it('counts safe methods as reads and every other method as a write', () => {
    expect(routeClassOf('GET', '/v1/hosts')).toBe('read');
    expect(routeClassOf('head', '/v1/instances')).toBe('read');
    expect(routeClassOf('GET', '/v1/events')).toBe('read');
    expect(routeClassOf('POST', '/v1/hosts/h1/cordon')).toBe('write');
    expect(routeClassOf('PUT', '/v1/services/shop')).toBe('write');
    expect(routeClassOf('DELETE', '/v1/tokens/t1')).toBe('write');
  });
});

describe('admission of one route class', () => {
  it('admits requests up to its concurrency, queues the next ones, and refuses beyond the queue', () => {
    const queue = new AdmissionQueue<string>(limits, 0);
    expect(queue.arrive('a', 0)).toEqual({ outcome: 'admitted' });
    expect(queue.arrive('b', 0)).toEqual({ outcome: 'admitted' });
    expect(queue.arrive('c', 0)).toEqual({ outcome: 'queued' });
    expect(queue.arrive('d', 0)).toEqual({ outcome: 'queued' });
    expect(queue.arrive('e', 0)).toEqual({ outcome: 'shed', reason: 'queue_full' });
    expect([queue.inFlight, queue.queued]).toEqual([2, 2]);
  });

  it('hands a freed slot to the oldest waiting request', () => {
    const queue = new AdmissionQueue<string>(limits, 0);
    for (const item of ['a', 'b', 'c', 'd']) queue.arrive(item, 0);
    expect(queue.leave(5)).toEqual({ admitted: ['c'], expired: [] });
    expect(queue.leave(6)).toEqual({ admitted: ['d'], expired: [] });
    expect(queue.leave(7)).toEqual({ admitted: [], expired: [] });
    expect([queue.inFlight, queue.queued]).toEqual([1, 0]);
  });

  it('lets a burst wait up to queueMs while the queue keeps emptying', () => {
    const queue = new AdmissionQueue<string>({ ...limits, intervalMs: 1000 }, 0);
    for (const item of ['a', 'b', 'c']) queue.arrive(item, 0);
    expect(queue.expire(99)).toEqual([]);
    expect(queue.nextDeadline(99)).toBe(100);
    expect(queue.expire(100)).toEqual(['c']);
    expect(queue.nextDeadline(100)).toBeUndefined();
  });

  it('cuts the wait to standingQueueMs once the queue has not emptied for a whole interval', () => {
    const queue = new AdmissionQueue<string>(limits, 0);
    for (const item of ['a', 'b', 'c']) queue.arrive(item, 0);
    // c waits since 0 and the queue has stood since 0: from 50 on, only 10 ms of waiting are allowed.
    expect(queue.nextDeadline(0)).toBe(50);
    expect(queue.waitLimit(49)).toBe(100);
    expect(queue.waitLimit(50)).toBe(10);
    expect(queue.expire(50)).toEqual(['c']);
    // The queue emptied at 50: a newcomer at 60 has the burst allowance again.
    queue.arrive('d', 60);
    expect(queue.waitLimit(60)).toBe(100);
  });

  it('keeps the standing limit while a queue is refilled before it empties', () => {
    const queue = new AdmissionQueue<string>(limits, 0);
    for (const item of ['a', 'b', 'c', 'd']) queue.arrive(item, 0);
    expect(queue.leave(40)).toEqual({ admitted: ['c'], expired: [] });
    queue.arrive('e', 48);
    expect(queue.waitLimit(55)).toBe(10);
    expect(queue.expire(55)).toEqual(['d']);
    expect(queue.nextDeadline(55)).toBe(48 + 10);
    expect(queue.leave(58)).toEqual({ admitted: [], expired: ['e'] });
  });

  it('refuses the waiting requests past their deadline when a slot frees', () => {
    const queue = new AdmissionQueue<string>({ ...limits, intervalMs: 1000 }, 0);
    for (const item of ['a', 'b', 'c']) queue.arrive(item, 0);
    queue.arrive('d', 50);
    expect(queue.leave(120)).toEqual({ admitted: ['d'], expired: ['c'] });
  });

  it('forgets a waiting request whose client went away', () => {
    const queue = new AdmissionQueue<string>(limits, 0);
    for (const item of ['a', 'b', 'c', 'd']) queue.arrive(item, 0);
    expect(queue.withdraw('c', 1)).toBe(true);
    expect(queue.withdraw('c', 1)).toBe(false);
    expect(queue.leave(2)).toEqual({ admitted: ['d'], expired: [] });
  });

  it('admits everything and counts nothing when its concurrency is 0', () => {
    const queue = new AdmissionQueue<string>({ ...limits, concurrency: 0 }, 0);
    for (let i = 0; i < 100; i++) expect(queue.arrive(`r${i}`, 0).outcome).toBe('admitted');
    expect(queue.leave(1)).toEqual({ admitted: [], expired: [] });
    expect([queue.inFlight, queue.queued]).toEqual([0, 0]);
  });

  it('serves fewer at once when answers get slow, and more again once they are fast', () => {
    const queue = new AdmissionQueue<string>(
      {
        ...limits,
        concurrency: 8,
        latencyTargetMs: 50,
        queueLength: 100,
        queueMs: 1e4,
        standingQueueMs: 1e4,
      },
      0,
    );
    let running = 0;
    let next = 0;
    const arrive = (now: number) => {
      if (queue.arrive(`r${next++}`, now).outcome === 'admitted') running++;
    };
    const answer = (now: number, latencyMs: number) => {
      running--;
      running += queue.leave(now, latencyMs).admitted.length;
    };
    for (let i = 0; i < 40; i++) arrive(0);
    expect(running).toBe(8);
    // A window of slow answers, each replaced; the first answer after it closes it: limit 7.
    for (let i = 0; i < 8; i++) answer(10 + i, 200);
    answer(100, 5);
    expect(queue.limit).toBe(7);
    expect(running).toBe(7);
    for (let i = 0; i < 6; i++) answer(110 + i, 5);
    expect(running).toBe(7);
    // A window of fast answers while requests still arrive and wait: one slot more.
    arrive(150);
    answer(200, 5);
    expect(queue.limit).toBe(8);
    expect(running).toBe(8);
  });

  it('never lets more requests run than its limit, whatever the order of events', () => {
    const queue = new AdmissionQueue<number>({ ...limits, concurrency: 4, latencyTargetMs: 20 }, 0);
    let running = 0;
    let now = 0;
    for (let step = 0; step < 2000; step++) {
      now += (step * 7) % 13;
      if ((step * 31) % 5 < 3) {
        if (queue.arrive(step, now).outcome === 'admitted') running++;
      } else if (running > 0) {
        running--;
        running += queue.leave(now, (step * 11) % 40).admitted.length;
      } else {
        queue.expire(now);
      }
      expect(running).toBe(queue.inFlight);
      expect(queue.inFlight).toBeLessThanOrEqual(4);
      expect(queue.limit).toBeGreaterThanOrEqual(1);
      expect(queue.limit).toBeLessThanOrEqual(4);
      expect(queue.queued).toBeLessThanOrEqual(limits.queueLength);
    }
  });
});
