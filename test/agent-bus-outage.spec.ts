import { rmSync } from 'node:fs';
import { Subjects } from '@federa/contracts';
import {
  NatsServerProcess,
  eventually,
  itWhen,
  natsServerBinary,
  uniquePrefix,
} from '@federa/testing';
import { StorageType, type JetStreamManager, type NatsConnection } from 'nats';
import type { AgentReport } from '@federa/contracts';
import type { Agent } from '../services/agent/src';
import {
  answerRegistrations,
  appSpec,
  connectTo,
  isAlive,
  killGroup,
  persistedHandle,
  recordBus,
  sendCommand,
  startAgent,
  tempDir,
} from './agent-harness';

jest.setTimeout(120_000);

const decoder = new TextDecoder();

/**
 * Every report the server took in, kept in a stream that survives the restart: a plain subscriber
 * can miss a flush that lands before its own connection is back, which says nothing of the agent.
 */
async function storedReports(jsm: JetStreamManager, stream: string): Promise<AgentReport[]> {
  const { state } = await jsm.streams.info(stream);
  const reports: AgentReport[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const message = await jsm.streams.getMessage(stream, { seq });
    reports.push(JSON.parse(decoder.decode(message.data)) as AgentReport);
  }
  return reports;
}

describe('host agent when the bus goes away', () => {
  itWhen(natsServerBinary() ? undefined : 'no nats-server binary on this machine')(
    'keeps instances running while nats-server restarts, then reconnects and flushes the reports it buffered',
    async () => {
      const server = await NatsServerProcess.start();
      const prefix = uniquePrefix('outage');
      const subjects = new Subjects(prefix);
      const dir = tempDir('outage');
      let nc: NatsConnection | undefined;
      let agent: Agent | undefined;
      const pids: number[] = [];
      try {
        nc = await connectTo(server.url);
        answerRegistrations(nc, subjects);
        const bus = recordBus(nc, subjects);
        const jsm = await nc.jetstreamManager();
        const stream = `${prefix}_reports`;
        await jsm.streams.add({
          name: stream,
          subjects: [subjects.allReports],
          storage: StorageType.File,
        });
        agent = await startAgent('outage-1', dir, server.url, prefix);
        const epoch = await agent.whenRegistered();
        for (const instance of ['kv-keep', 'kv-lost']) {
          await sendCommand(nc, subjects, 'outage-1', {
            commandId: `o-${instance}`,
            epoch,
            type: 'start',
            spec: appSpec(instance),
          });
        }
        const healthy = (instance: string) =>
          bus.reports.some((r) => r.instance === instance && r.state === 'healthy');
        await eventually(() => healthy('kv-keep') && healthy('kv-lost'));
        const keep = persistedHandle(dir, 'kv-keep');
        const lost = persistedHandle(dir, 'kv-lost');
        pids.push(keep.pid, lost.pid);

        await server.stop();
        killGroup(lost.pid);
        // The agent notices the death while the bus is down: its report must wait in the buffer.
        await eventually(() => (agent?.reports.pending ?? 0) > 0, 10_000);
        expect(isAlive(keep.pid)).toBe(true);
        await server.restart();

        // Both sides reconnect first (with backoff): generous on a machine busy with other suites.
        await eventually(
          async () =>
            (await storedReports(jsm, stream)).some(
              (r) => r.instance === 'kv-lost' && r.state === 'failed',
            ),
          45_000,
        );
        const heartbeatsBefore = bus.heartbeats.length;
        await eventually(() => bus.heartbeats.length > heartbeatsBefore + 2, 10_000);
        expect(isAlive(keep.pid)).toBe(true);
        expect(bus.heartbeats.at(-1)?.instances).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ instance: 'kv-keep', state: 'healthy' }),
          ]),
        );
        const stored = await storedReports(jsm, stream);
        const seqs = stored.filter((r) => r.host === 'outage-1').map((r) => r.seq);
        const unique = [...new Set(seqs)];
        expect(unique).toEqual([...unique].sort((a, b) => a - b));
        expect(agent.reports.pending).toBe(0);
      } finally {
        await agent?.stop();
        for (const pid of pids) killGroup(pid);
        await nc?.close();
        await server.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
