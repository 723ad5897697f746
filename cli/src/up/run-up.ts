import { loadConfig } from '@federa/runtime';
import { join, relative } from 'node:path';
import { distRoot, stateDir } from '../dist-root';
import { adminToken } from './admin-token';
import { startEmbeddedPostgres } from './embedded-postgres-server';
import { startLocalNats } from './local-nats-server';
import { portAnswers, urlAnswers, waitUntil } from './port-answers';
import { PrefixedOutput } from './prefixed-output';
import { createDatabaseIfMissing, migrateDatabase } from './prepare-database';
import { ServiceProcess, discoverServices } from './service-processes';
import { startDemo } from './start-demo';
import type { Stoppable } from './stop-process';

class Interrupted extends Error {}

/**
 * `federa up`: Postgres and NATS (the configured ones when they answer, else embedded ones with
 * their data in ./.federa), migrations, every built service as its own process, then the demo;
 * runs until SIGINT/SIGTERM and stops everything in reverse order. Answers the exit code.
 */
export async function runUp(options: { demo: boolean }): Promise<number> {
  const config = loadConfig();
  const state = stateDir();
  const out = new PrefixedOutput('federa');
  const log = (line: string) => out.line(line);
  const started: Stoppable[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () => (stopping ??= stopInReverse(started, log));

  let interrupted = false;
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (signal) => {
      if (interrupted) return log(`${signal} again: still stopping`);
      interrupted = true;
      log(`${signal}: stopping`);
      resolve(signal);
    };
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const step = async <T>(work: () => Promise<T>): Promise<T> => {
    if (interrupted) throw new Interrupted();
    const result = await work();
    if (interrupted) throw new Interrupted();
    return result;
  };

  try {
    const token = adminToken(state);

    let databaseUrl = config.databaseUrl;
    if (await step(() => urlAnswers(config.databaseUrl, 5432))) {
      log(`using PostgreSQL at ${hostOf(config.databaseUrl)}`);
    } else {
      log(`PostgreSQL at ${hostOf(config.databaseUrl)} does not answer: starting an embedded one`);
      const postgres = await step(() => startEmbeddedPostgres(join(state, 'pg'), log));
      started.push(postgres);
      databaseUrl = postgres.url(databaseName(config.databaseUrl));
      log(
        `embedded PostgreSQL at ${hostOf(databaseUrl)} (data in ${relative(process.cwd(), join(state, 'pg'))})`,
      );
    }

    let natsUrl = config.natsUrl;
    if (await step(() => urlAnswers(config.natsUrl.split(',')[0], 4222))) {
      log(`using NATS at ${hostOf(config.natsUrl)}`);
    } else {
      log(`NATS at ${hostOf(config.natsUrl)} does not answer: starting nats-server -js`);
      const nats = await step(() => startLocalNats(join(state, 'nats'), log));
      started.push(nats);
      natsUrl = nats.url;
      log(
        `local NATS at ${hostOf(natsUrl)} (data in ${relative(process.cwd(), join(state, 'nats'))})`,
      );
    }

    if (await step(() => createDatabaseIfMissing(databaseUrl))) {
      log(`created database ${databaseName(databaseUrl)}`);
    }
    await step(() => migrateDatabase(databaseUrl));
    log('migrations applied (eventlog, gateway)');

    const services = discoverServices(distRoot);
    if (!services.some((s) => s.name === 'gateway')) {
      throw new Error(
        `the gateway is not built (${join(distRoot, 'services/gateway/src/main.js')}): run npm run build`,
      );
    }
    if (await portAnswers('127.0.0.1', config.httpPort)) {
      throw new Error(
        `port ${config.httpPort} is already in use: stop what listens there or set FEDERA_HTTP_PORT`,
      );
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      FEDERA_DATABASE_URL: databaseUrl,
      FEDERA_NATS_URL: natsUrl,
      FEDERA_HTTP_PORT: String(config.httpPort),
      FEDERA_API_TOKEN: token.token,
      FEDERA_SUBJECT_PREFIX: config.subjectPrefix,
    };
    const processes = services.map((service) => new ServiceProcess(service, env));
    started.push(...processes);
    log(`started ${processes.map((p) => p.name).join(', ')}`);

    const apiUrl = `http://127.0.0.1:${config.httpPort}`;
    const gateway = processes.find((p) => p.name === 'gateway') as ServiceProcess;
    const gatewayDied = gateway.exited.then((how) => {
      throw new Error(`the gateway exited (${how}) before it was ready`);
    });
    await step(() =>
      Promise.race([
        waitUntil(() => isReady(apiUrl), 90_000, 'the gateway is not ready (/readyz)', 250),
        gatewayDied,
        signalled.then(() => undefined),
      ]),
    );
    gatewayDied.catch(() => undefined);

    if (options.demo) {
      started.push(
        ...(await step(() => startDemo({ apiUrl, token: token.token, natsUrl, env, log }))),
      );
    }

    process.stdout.write(
      [
        '',
        'Federa is up.',
        `  API       ${apiUrl}/v1`,
        `  Docs      ${apiUrl}/docs`,
        `  Metrics   ${apiUrl}/metrics`,
        `  Events    ${apiUrl}/v1/events/stream`,
        `  Token     ${token.token}  (${token.source === 'file' ? `saved in ${relative(process.cwd(), token.file ?? '')}` : 'FEDERA_API_TOKEN'})`,
        'Stop with Ctrl-C.',
        '',
      ].join('\n'),
    );
    await signalled;
    await stopAll();
    return 0;
  } catch (error) {
    await stopAll();
    if (error instanceof Interrupted) return 0;
    throw error;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** Stops the last started first: demo, services, then NATS, then Postgres. */
async function stopInReverse(started: Stoppable[], log: (line: string) => void): Promise<void> {
  const services = started.filter((s) => s instanceof ServiceProcess);
  const others = started.filter((s) => !(s instanceof ServiceProcess)).reverse();
  // Services do not depend on one another for stopping: stop them together, then what they used.
  await Promise.all(services.map((s) => s.stop().catch((e) => log(`${s.name}: ${String(e)}`))));
  if (services.length) log('services stopped');
  for (const backend of others) {
    await backend.stop().catch((e) => log(`${backend.name}: ${String(e)}`));
    log(`${backend.name} stopped`);
  }
}

async function isReady(apiUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

function hostOf(url: string): string {
  const parsed = new URL(url.split(',')[0]);
  return `${parsed.hostname}:${parsed.port || (parsed.protocol.startsWith('postgres') ? 5432 : 4222)}`;
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'federa';
}
