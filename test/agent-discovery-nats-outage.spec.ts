import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Subjects, type ServiceEndpoints } from '@federa/contracts';
import {
  eventually,
  itWhen,
  NatsServerProcess,
  natsServerBinary,
  uniquePrefix,
} from '@federa/testing';
import type { NatsConnection } from 'nats';
import { pino } from 'pino';
import { Agent } from '../services/agent/src';
import { openKeyValueBucket } from '../libs/messaging/src/jetstream/key-value-bucket';
import { answerRegistrations, connectTo, hostConfig, repoRoot, tempDir } from './agent-harness';

jest.setTimeout(180_000);

const unavailable = natsServerBinary() ? undefined : 'nats-server is not installed';

function set(version: number): ServiceEndpoints {
  return {
    service: 'shop',
    version,
    updatedAt: Date.now(),
    applications: [
      {
        name: 'catalog-db',
        instances: [
          { instance: `db-${version}`, host: 'h', address: '192.0.2.1', port: 5000 + version },
        ],
      },
    ],
  };
}

async function versionAt(url: string): Promise<number | undefined> {
  try {
    const answer = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return ((await answer.json()) as ServiceEndpoints).version;
  } catch {
    return undefined;
  }
}

describe('agent discovery across a NATS outage', () => {
  let nats: NatsServerProcess;
  let nc: NatsConnection;
  let agent: Agent;
  const dir = tempDir('disco-outage');
  const prefix = uniquePrefix('discooutage');
  const subjects = new Subjects(prefix);

  afterAll(async () => {
    await agent?.stop();
    await nc?.close();
    await nats?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  itWhen(unavailable)(
    'serves the last set while NATS is down and follows the bucket again once it is back',
    async () => {
      nats = await NatsServerProcess.start();
      nc = await connectTo(nats.url);
      answerRegistrations(nc, subjects);
      agent = await Agent.start({
        config: hostConfig('disco-o'),
        dataDir: dir,
        natsUrl: nats.url,
        subjectPrefix: prefix,
        heartbeatMs: 200,
        cwd: repoRoot,
        logger: pino({ level: 'silent' }),
      });
      await agent.whenWatchingEndpoints();
      const url = agent.discoveryUrlOf('shop');
      await (
        await openKeyValueBucket(nc, subjects.discoveryBucket)
      ).put(subjects.discoveryKey('disco-o', 'shop'), JSON.stringify(set(1)));
      await eventually(async () => (await versionAt(url)) === 1, 30_000);

      await nats.stop();
      expect(await versionAt(url)).toBe(1);
      await nats.restart();

      // The test's own connection reconnects too; its put is the move made once the bus is back.
      await eventually(
        async () => {
          const kv = await openKeyValueBucket(nc, subjects.discoveryBucket);
          await kv.put(subjects.discoveryKey('disco-o', 'shop'), JSON.stringify(set(2)));
          return true;
        },
        60_000,
        500,
      );
      await eventually(async () => (await versionAt(url)) === 2, 60_000, 200);
    },
  );

  itWhen(unavailable)(
    'takes the values of a bucket created anew after NATS lost its store, above the version its readers saw',
    async () => {
      const url = agent.discoveryUrlOf('shop');
      expect(await versionAt(url)).toBe(2);
      await nats.stop();
      rmSync(join(nats.storeDir, 'jetstream'), { recursive: true, force: true });
      await nats.restart();
      // Rewritten at a lower version than the agent held: the new bucket is the truth all the same.
      await eventually(
        async () => {
          const kv = await openKeyValueBucket(nc, subjects.discoveryBucket);
          await kv.put(subjects.discoveryKey('disco-o', 'shop'), JSON.stringify(set(1)));
          return true;
        },
        60_000,
        500,
      );
      const served = await eventually(async () => {
        const answer = (await (await fetch(url)).json()) as ServiceEndpoints;
        return answer.applications[0]?.instances[0]?.port === 5001 ? answer : undefined;
      }, 60_000);
      expect(served?.version).toBe(3);
    },
  );
});
