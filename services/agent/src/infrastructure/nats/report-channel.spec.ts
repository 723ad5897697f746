import type { AgentReport } from '@federa/contracts';
import type { NatsConnection } from 'nats';
import { ReportChannel } from './report-channel';

/** A connection that keeps what is published and confirms every flush. */
function fakeConnection() {
  const published: AgentReport[] = [];
  const connection = {
    publish: (_subject: string, data: Uint8Array) =>
      published.push(JSON.parse(new TextDecoder().decode(data)) as AgentReport),
    flush: () => Promise.resolve(),
  } as unknown as NatsConnection;
  return { connection, published };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('report channel', () => {
  it('holds the reports made before the first epoch and sends them under it, in order', async () => {
    const host: { epoch?: number } = {};
    const channel = new ReportChannel('p.agent.h.report', {
      host: 'h',
      runId: 'run-1',
      epoch: () => host.epoch,
    });
    const { connection, published } = fakeConnection();
    channel.setConnection(connection, true);
    channel.emit({ kind: 'instance', instance: 'a-1', state: 'running' });
    channel.emit({ kind: 'instance', instance: 'a-2', state: 'failed' });
    await settle();
    expect(published).toEqual([]);
    expect(channel.pending).toBe(2);

    host.epoch = 5;
    channel.epochKnown();
    channel.emit({ kind: 'instance', instance: 'a-1', state: 'healthy' });
    await settle();
    expect(published.map((r) => [r.instance, r.epoch, r.seq])).toEqual([
      ['a-1', 5, 1],
      ['a-2', 5, 2],
      ['a-1', 5, 3],
    ]);
  });

  it("holds no more reports before the first epoch than its capacity, keeping each instance's newest state and counting the rest", async () => {
    const host: { epoch?: number } = {};
    const channel = new ReportChannel(
      'p.agent.h.report',
      { host: 'h', runId: 'run-1', epoch: () => host.epoch },
      4,
    );
    const { connection, published } = fakeConnection();
    channel.setConnection(connection, true);
    // An agent refused registration for long goes on reporting the instances it adopted.
    for (let turn = 0; turn < 1000; turn++)
      channel.emit({ kind: 'instance', instance: `a-${turn % 3}`, state: `s${turn}` });
    expect(channel.pending).toBeLessThanOrEqual(4);
    expect(channel.dropped).toBe(1000 - channel.pending);

    host.epoch = 2;
    channel.epochKnown();
    await settle();
    expect(published.map((r) => [r.instance, r.state])).toEqual(
      expect.arrayContaining([
        ['a-0', 's999'],
        ['a-1', 's997'],
        ['a-2', 's998'],
      ]),
    );
  });

  it('keeps the epoch a report was made under when the epoch changes before it is sent', async () => {
    let epoch = 3;
    const channel = new ReportChannel('p.agent.h.report', {
      host: 'h',
      runId: 'run-1',
      epoch: () => epoch,
    });
    channel.emit({ kind: 'instance', instance: 'a-1', state: 'running' });
    epoch = 4;
    channel.emit({ kind: 'instance', instance: 'a-1', state: 'healthy' });
    const { connection, published } = fakeConnection();
    channel.setConnection(connection, true);
    await settle();
    expect(published.map((r) => r.epoch)).toEqual([3, 4]);
  });
});
