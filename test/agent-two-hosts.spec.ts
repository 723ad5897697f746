import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Subjects } from '@federa/contracts';
import { CommandClient, copyStoredData } from '@federa/messaging';
import { eventually, itWhen } from '@federa/testing';
import type { NatsConnection } from 'nats';
import {
  appSpec,
  connectTo,
  hostConfig,
  persistedHandle,
  recordBus,
  sendCommand,
  tempDir,
} from './agent-harness';
import { NetworkLab, networkLabUnavailable, startAgentIn, type LabHost } from './agent-network-lab';
import { InventoryHarness } from './inventory-harness';

jest.setTimeout(120_000);

/** An HTTP request made from inside a lab host (its apps listen on the namespace's loopback). */
const HTTP_CLIENT = `
const [port, method, path, body] = process.argv.slice(1);
const req = require('node:http').request({ host: '127.0.0.1', port: Number(port), method, path }, (res) => {
  let text = '';
  res.on('data', (c) => (text += c));
  res.on('end', () => process.stdout.write(JSON.stringify({ status: res.statusCode, body: text })));
});
req.on('error', (e) => { process.stderr.write(String(e)); process.exit(1); });
req.end(body);
`;

/**
 * Issue 4's "two agents on this machine, in separate network namespaces, run real instances":
 * each agent is a real `federa-agent` process in a namespace of its own, reaching the bus (a
 * nats-server on the lab's bridge) and through it the real inventory and the object store.
 */
describe('two real agents in separate network namespaces', () => {
  const unavailable = networkLabUnavailable();
  const dir = tempDir('two-hosts');
  let lab: NetworkLab;
  let inv: InventoryHarness;
  let nc: NatsConnection;
  let subjects: Subjects;
  let bus: ReturnType<typeof recordBus>;
  const hosts = new Map<string, LabHost>();

  beforeAll(async () => {
    if (unavailable) return;
    lab = NetworkLab.create();
    const natsUrl = await lab.startNats();
    inv = await InventoryHarness.start({ FEDERA_NATS_URL: natsUrl, FEDERA_HEARTBEAT_MS: '250' });
    subjects = inv.subjects;
    nc = await connectTo(natsUrl);
    bus = recordBus(nc, subjects);
  });

  afterAll(async () => {
    // Agents first: they renew leases in the inventory's lease dir until they die.
    await lab?.killHostProcesses();
    await nc?.close();
    await inv?.stop();
    await lab?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const dataDirOf = (host: string) => join(dir, host, 'data');
  const epochOf = (host: string) =>
    bus.heartbeats.filter((h) => h.host === host).at(-1)?.epoch as number;
  const outcome = (commandId: string) =>
    bus.reports.find(
      (r) => r.commandId === commandId && (r.status === 'succeeded' || r.status === 'failed'),
    );
  const isHealthy = (host: string, instance: string) =>
    bus.reports.some((r) => r.host === host && r.instance === instance && r.state === 'healthy');
  const http = (host: string, port: number, method: string, path: string, body = '') =>
    JSON.parse(
      lab.runIn(hosts.get(host)!, process.execPath, [
        '-e',
        HTTP_CLIENT,
        String(port),
        method,
        path,
        body,
      ]),
    ) as { status: number; body: string };

  async function command(host: string, id: string, body: Record<string, unknown>) {
    const reply = await sendCommand(nc, subjects, host, {
      commandId: id,
      epoch: epochOf(host),
      ...body,
    });
    expect(reply).toMatchObject({ ok: true });
    return reply;
  }

  async function startInstance(host: string, instance: string, id: string): Promise<number> {
    await command(host, id, { type: 'start', spec: appSpec(instance) });
    await eventually(() => isHealthy(host, instance), 30_000);
    const probe = await command(host, `${id}-probe`, { type: 'probe', instance });
    expect(probe).toMatchObject({ result: { probe: { healthy: true, state: 'healthy' } } });
    return persistedHandle(dataDirOf(host), instance).port;
  }

  itWhen(unavailable)(
    'register with inventory across the bridge, run real instances, and move data from one to the other',
    async () => {
      for (const name of ['ns-a', 'ns-b']) {
        const host = lab.addHost(name);
        hosts.set(name, host);
        await startAgentIn(lab, host, {
          natsUrl: lab.natsUrl,
          subjectPrefix: subjects.prefix,
          heartbeatMs: 250,
          leaseDir: inv.leaseDir,
          dataDir: dataDirOf(name),
          config: hostConfig(name),
        });
      }
      const client = new CommandClient(nc, subjects, 5000);
      for (const name of hosts.keys()) {
        const view = await eventually(async () => {
          const v = await client.send<Record<string, unknown>>('inventory', 'get-host', {
            host: name,
          });
          return v.lastHeartbeatAt ? v : undefined;
        });
        expect(view).toMatchObject({ id: name, state: 'ready', layers: ['process'] });
        await eventually(() => epochOf(name));
      }

      const portA = await startInstance('ns-a', 'kv-1', 'a-start');
      const portB = await startInstance('ns-b', 'kv-2', 'b-start');
      expect(http('ns-a', portA, 'PUT', '/kv/answer', 'forty-two').status).toBe(200);
      // Each host's loopback is its own: host B's app does not see host A's data.
      expect(http('ns-b', portB, 'GET', '/kv/answer').status).toBe(404);

      await command('ns-a', 'a-stop', { type: 'stop', instance: 'kv-1', graceMs: 2000 });
      await eventually(() => outcome('a-stop'), 20_000);
      await command('ns-a', 'a-export', {
        type: 'export-data',
        instance: 'kv-1',
        key: 'two-hosts/kv-1',
      });
      expect(await eventually(() => outcome('a-export'), 30_000)).toMatchObject({
        status: 'succeeded',
        result: { key: 'two-hosts/kv-1' },
      });
      // Each agent reads its own host's bucket: the trusted side copies (as the migration saga does).
      await copyStoredData(
        nc.jetstream(),
        subjects.dataBucketOf('ns-a'),
        subjects.dataBucketOf('ns-b'),
        'two-hosts/kv-1',
      );
      await command('ns-b', 'b-import', {
        type: 'import-data',
        spec: appSpec('kv-1'),
        key: 'two-hosts/kv-1',
      });
      expect(await eventually(() => outcome('b-import'), 30_000)).toMatchObject({
        status: 'succeeded',
      });
      const movedPort = await startInstance('ns-b', 'kv-1', 'b-start-moved');
      expect(http('ns-b', movedPort, 'GET', '/kv/answer')).toEqual({
        status: 200,
        body: 'forty-two',
      });
    },
  );
});
