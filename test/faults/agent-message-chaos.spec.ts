/**
 * Agent messages dropped, duplicated, delayed and reordered (issue 19): every agent of a plane talks
 * to NATS through a chaos proxy while a service is deployed, scaled out, stopped and started
 * again; then the chaos stops and the plane must settle with every instance running once (process
 * table), the service available at its counts, and every acknowledged command's effect in the log.
 *
 * Worst case 510 s: the plane and three agents (hook, 90 s), the scenario (360 s: four phases of at
 * most 90 s each, a phase that never settles failing there, then the quiet settle and the
 * invariants, the whole bounded by jest) and the close (hook, 60 s of bounded steps). Not retried
 * (test/retry-once.ts). Typically about 60 s for the scenario here.
 */
import { rmSync } from 'node:fs';
import { eventually, freshDatabase, type FreshDatabase } from '@federa/testing';
import type { HostConfig } from '@federa/contracts';
import { Agent } from '../../services/agent/src';
import { CommandLedger } from '../acknowledged-commands';
import { hostConfig, repoRoot, tempDir } from '../agent-harness';
import { OutagePlane, outageSpec } from '../outage-harness';
import { closeEach } from './bounded-close';
import { expectFaultInvariants } from './fault-invariants';
import { deleteStreamsOf } from './jetstream-cleanup';
import { NatsChaosProxy } from './nats-chaos-proxy';
import { ProcessSampler } from './process-sampler';

jest.setTimeout(360_000);

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const hosts = ['c1', 'c2', 'c3'];
const phaseMs = 90_000;
/** The chaos: about one message in ten dropped, one in ten twice, delays up to 2 s, some swapped. */
const rates = { drop: 0.1, duplicate: 0.1, delay: 0.2, maxDelayMs: 2000, reorder: 0.1 };

describe('agent messages dropped, duplicated, delayed and reordered', () => {
  let database: FreshDatabase;
  let plane: OutagePlane;
  let proxy: NatsChaosProxy;
  const leaseDir = tempDir('chaos-leases');
  const dataDirs: string[] = [];
  let attempt = 0;

  beforeAll(async () => {
    database = await freshDatabase('agent_chaos');
    // No hosts of the harness's own: ours connect through the proxy, which only their traffic crosses.
    plane = await OutagePlane.start(database.url, natsUrl, 'agentchaos', {
      hosts: [],
      fleet: { leaseDir },
    });
    const prefix = plane.prefix;
    proxy = await NatsChaosProxy.start(natsUrl, {
      affects: (subject) =>
        subject.startsWith(`${prefix}.agent.`) ||
        subject.startsWith(`${prefix}.inventory.register.`) ||
        subject.startsWith('_INBOX.'),
    });
    for (const host of hosts) {
      const dataDir = tempDir(`chaos-${host}`);
      dataDirs.push(dataDir);
      const agent = await Agent.start({
        config: {
          ...hostConfig(host),
          capacity: { cpu: 8, memory: '16Gi', storage: '500Gi', bandwidth: '10Gbps' },
        } as HostConfig,
        dataDir,
        natsUrl: proxy.url,
        subjectPrefix: prefix,
        heartbeatMs: 200,
        leaseDir,
        cwd: repoRoot,
        logger: require('pino').pino({ level: 'silent' }),
      });
      // The fleet's close ends it and every instance it runs, as for its own hosts.
      plane.fleet.agents.set(host, { agent, dataDir });
      await agent.whenRegistered();
    }
  }, 90_000);

  // Every step runs whatever the one before did; the plane runs on the shared NATS, so its streams
  // are deleted by its prefix.
  afterAll(
    () =>
      closeEach([
        ['the plane', () => plane?.close()],
        ['the chaos proxy', () => proxy?.close(), 5_000],
        ['its JetStream streams', () => plane && deleteStreamsOf(natsUrl, plane.prefix), 10_000],
        ['the database', () => database?.drop(), 5_000],
        [
          'the agents’ directories',
          () => dataDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })),
        ],
      ]),
    60_000,
  );

  it('settles once the chaos stops: every acknowledged command took effect, the service is available at its counts, and no instance runs twice', async () => {
    // A retried test (test/retry-once.ts) deploys a service of its own.
    const name = `alpha-${++attempt}`;
    const ledger = new CommandLedger((method, path, body) => plane.call(method, path, body));
    const available = async (after: number) =>
      eventually(() => plane.recorded('ServiceAvailable', name, after), phaseMs, 250);
    const lastPosition = async () => (await plane.events()).at(-1)?.position ?? 0;
    // Our instances only: another suite's on this machine are not this test's to judge.
    const twice = async () =>
      [...(await plane.runningOf(name)).entries()]
        .filter(([, count]) => count > 1)
        .map(([id]) => id);

    // Watched all along, not only at the end (the process table every 250 ms).
    const sampler = ProcessSampler.start();

    proxy.chaos(rates);
    try {
      // Deploy: a store and two workers.
      await ledger.send('apply', name, 'PUT', `/v1/services/${name}`, outageSpec(name, 2));
      await ledger.send('deploy', name, 'POST', `/v1/services/${name}/deploy`);
      await available(0);
      expect(await twice()).toEqual([]);

      // Scale out: three workers.
      let mark = await lastPosition();
      await ledger.send('apply', name, 'PUT', `/v1/services/${name}`, outageSpec(name, 3));
      await ledger.send('deploy', name, 'POST', `/v1/services/${name}/deploy`);
      await eventually(
        async () => (await plane.runningOf(name, 'worker')).size === 3,
        phaseMs,
        250,
      );
      await available(mark);

      // Stop, then start again.
      mark = await lastPosition();
      await ledger.send('stop', name, 'POST', `/v1/services/${name}/stop`);
      await eventually(() => plane.recorded('ServiceStopped', name, mark), phaseMs, 250);
      await eventually(async () => (await plane.runningOf(name)).size === 0, phaseMs, 250);
      mark = await lastPosition();
      await ledger.send('deploy', name, 'POST', `/v1/services/${name}/deploy`);
      await available(mark);
    } finally {
      proxy.chaos(undefined);
      await sampler.stop();
    }
    const ours = (await plane.events())
      .filter((e) => e.type === 'InstanceRequested' && e.data.service === name)
      .map((e) => String(e.data.instance));
    expect(sampler.twiceOf(ours)).toEqual([]);
    process.stderr.write(`nats chaos proxy: ${JSON.stringify(proxy.tally)}\n`);
    // The chaos did hit the agents' traffic: a run where it touched nothing proves nothing.
    expect(proxy.tally.dropped).toBeGreaterThan(0);
    expect(proxy.tally.duplicated).toBeGreaterThan(0);
    expect(proxy.tally.delayed).toBeGreaterThan(0);
    expect(proxy.tally.reordered).toBeGreaterThan(0);

    // Quiet again: the store and three workers, one process each, and the service available.
    await eventually(
      async () => {
        const running = await plane.runningOf(name);
        return running.size === 4 && [...running.values()].every((count) => count === 1);
      },
      phaseMs,
      250,
    );
    expect([...(await plane.runningOf(name, 'worker')).values()]).toEqual([1, 1, 1]);
    expect([...(await plane.runningOf(name, 'store')).values()]).toEqual([1]);
    expect(await twice()).toEqual([]);
    const service = await plane.call('GET', `/v1/services/${name}`);
    expect(service.json.state).toBe('available');
    expect(ledger.missingFrom(await plane.events())).toEqual([]);
    await expectFaultInvariants(plane, { ledger });
  });
});
