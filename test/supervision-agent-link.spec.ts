import { Subjects, type AgentReport } from '@federa/contracts';
import { eventually, uniquePrefix } from '@federa/testing';
import { JSONCodec, connect, type NatsConnection } from 'nats';
import {
  AgentLink,
  type ObservedInstance,
} from '../services/supervision/src/infrastructure/agent-link';

const NATS_URL = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const json = JSONCodec();

describe("supervision's agent link", () => {
  let nc: NatsConnection;
  let link: AgentLink;
  let subjects: Subjects;

  beforeEach(async () => {
    nc = await connect({ servers: NATS_URL });
    subjects = new Subjects(uniquePrefix('agent-link'));
    link = new AgentLink(nc, subjects, 1000);
  });

  afterEach(async () => {
    link.close();
    await nc.close();
  });

  const report = (seq: number, epoch: number): AgentReport =>
    ({
      host: 'h1',
      epoch,
      runId: 'run-1',
      seq,
      sentAt: Date.now(),
      kind: 'instance',
      instance: `shop-db-${seq}`,
      state: 'healthy',
    }) as AgentReport;

  it('drops and counts instance reports that name no epoch, and hands on the others with theirs', async () => {
    const observed: ObservedInstance[] = [];
    link.listen((o) => observed.push(o));
    await nc.flush();

    nc.publish(subjects.agentReport('h1'), json.encode(report(1, 0)));
    nc.publish(subjects.agentReport('h1'), json.encode(report(2, 3)));

    await eventually(() => observed.length === 1 && link.epochlessReports === 1, 10_000);
    await nc.flush();
    expect(observed).toEqual([expect.objectContaining({ instance: 'shop-db-2', epoch: 3 })]);
  });

  it("drops a report and a heartbeat that name another host than their subject's: a forged failure changes nothing", async () => {
    const observed: ObservedInstance[] = [];
    link.listen((o) => observed.push(o));
    await nc.flush();

    // h2 speaking on h1's subjects (an open bus; with permissions the server refuses it already).
    nc.publish(
      subjects.agentReport('h1'),
      json.encode({ ...report(1, 3), host: 'h2', state: 'failed' }),
    );
    nc.publish(
      subjects.agentHeartbeat('h1'),
      json.encode({
        host: 'h2',
        epoch: 3,
        runId: 'run-1',
        seq: 1,
        sentAt: Date.now(),
        intervalMs: 1000,
        instances: [{ instance: 'shop-db-9', state: 'failed' }],
      }),
    );
    nc.publish(subjects.agentReport('h1'), json.encode(report(2, 3)));

    await eventually(() => observed.length >= 1, 10_000);
    await nc.flush();
    expect(observed).toEqual([expect.objectContaining({ host: 'h1', instance: 'shop-db-2' })]);
  });
});
