import { busIdentityNameProblem, busIdentity } from '@federa/contracts';
import { freeTcpPort, loadConfig } from '@federa/runtime';
import { join, relative } from 'node:path';
import { distRoot, stateDir } from '../dist-root';
import { adminToken } from './admin-token';
import { useOrStartBackends } from './local-backends';
import { portAnswers, waitUntil } from './port-answers';
import type { LogFormat } from './log-format';
import { createLogLineRenderer } from './log-line-renderer';
import { whenOutputCloses } from './output-closed';
import { PrefixedOutput, useColour } from './prefixed-output';
import { readinessBanner, type ServiceOpsPort } from './readiness-banner';
import { createDatabaseIfMissing, databaseName, migrateDatabase } from './prepare-database';
import { RestartingService } from './restarting-service';
import { discoverServices } from './service-processes';
import { Demo, demoHostIds } from './start-demo';
import type { Stoppable } from './stop-process';
import { StopRequests } from './stop-requests';

class Interrupted extends Error {}

/** How `federa up` runs: with or without the demo, and how it shows its services' logs. */
export interface UpOptions {
  demo: boolean;
  logFormat: LogFormat;
}

/** The exit code after a second Ctrl-C, as a shell reports a process ended by SIGINT. */
const forcedExitCode = 130;

/**
 * `federa up`: Postgres and NATS (the configured ones when they work, else its own, with their
 * data in ./.federa, on the ports the URLs name and restarted when they die; see chooseBackend),
 * migrations, every built service as its own process, then the demo;
 * runs until SIGINT/SIGTERM/SIGHUP, or until its output is closed, and stops everything in reverse
 * order (a second SIGINT or SIGTERM kills it all at once; see StopRequests). Answers the exit code:
 * 0 after a clean stop, 130 after a forced one. Should it die instead, by whatever means, what it started stops on its own: each
 * child has a lifeline (spawn-with-lifeline.ts).
 */
export async function runUp(options: UpOptions): Promise<number> {
  const config = loadConfig();
  const state = stateDir();
  const out = new PrefixedOutput('federa');
  const log = (line: string) => out.line(line);
  const render = createLogLineRenderer(options.logFormat, { colour: useColour() });
  const started: Stoppable[] = [];
  /** Settles once the backend being started (if any) is in `started`, or has failed to start. */
  let launching: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  const stopAll = () => (stopping ??= stopInReverse(started, log));

  let interrupted = false;
  let forcedDone: () => void = () => undefined;
  const forced = new Promise<void>((resolve) => (forcedDone = resolve));
  let stopRequested: (why: string) => void = () => undefined;
  const signalled = new Promise<string>((resolve) => (stopRequested = resolve));
  const stopRequests = new StopRequests({
    stop: (why) => {
      interrupted = true;
      stopRequested(why);
    },
    // A backend still starting is not in `started` yet: let it finish, then kill it with the rest.
    force: () =>
      void (launching ?? Promise.resolve()).then(() => forceStopAll(started, log)).then(forcedDone),
    log,
  });
  const onSignal = (signal: NodeJS.Signals) => stopRequests.signal(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Closing the terminal: stop in order (Node's default for SIGHUP would be to exit on the spot).
  process.on('SIGHUP', onSignal);
  whenOutputCloses(() => stopRequests.outputClosed());
  /** Runs one start-up step; a signal before, during or after it abandons the start-up. */
  const step = async <T>(work: () => Promise<T>): Promise<T> => {
    if (interrupted) throw new Interrupted();
    const result = await Promise.race([
      work(),
      signalled.then(() => {
        throw new Interrupted();
      }),
    ]);
    if (interrupted) throw new Interrupted();
    return result;
  };
  /** Starts something to stop later: never abandoned half-way, so that it is always stopped. */
  const launch = async <T extends Stoppable>(start: () => Promise<T>): Promise<T> => {
    if (interrupted) throw new Interrupted();
    const starting = start().then((item) => {
      started.push(item);
      return item;
    });
    launching = starting.then(
      () => undefined,
      () => undefined,
    );
    const item = await starting;
    if (interrupted) throw new Interrupted();
    return item;
  };
  /** Stops what was started; answers 130 when a second signal forced it, else 0. */
  const shutDown = async (): Promise<number> => {
    const code = await Promise.race([stopAll().then(() => 0), forced.then(() => forcedExitCode)]);
    if (!stopRequests.forced) return code;
    // The graceful stop may end in the same instant as the forced one: the second signal decides,
    // and the kills it sent are waited for.
    await forced;
    return forcedExitCode;
  };

  try {
    const token = adminToken(state);

    const { databaseUrl, natsUrl, banner, credentials } = await useOrStartBackends(
      config,
      state,
      { step, launch, log },
      process.env,
      options.demo ? [...demoHostIds] : [],
    );

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
    // Each service but the gateway (whose are on its API port) serves its health and metrics on a
    // port of its own, kept across its restarts.
    const opsPorts: ServiceOpsPort[] = [];
    for (const service of services)
      if (service.name !== 'gateway')
        opsPorts.push({ service: service.name, port: await freeTcpPort() });
    const opsPortOf = (name: string): NodeJS.ProcessEnv => {
      const own = opsPorts.find((p) => p.service === name);
      return own ? { FEDERA_METRICS_PORT: String(own.port) } : {};
    };
    // On the NATS `federa up` started, each service connects as itself.
    const serviceEnv = (name: string): NodeJS.ProcessEnv => ({
      ...(credentials && !busIdentityNameProblem('service', name)
        ? { ...env, FEDERA_NATS_CREDENTIALS: credentials.seedOf(busIdentity('service', name)) }
        : env),
      ...opsPortOf(name),
    });
    const processes = services.map(
      (service) => new RestartingService(service, serviceEnv(service.name), log, render),
    );
    started.push(...processes);
    log(`started ${processes.map((p) => p.name).join(', ')}`);

    const apiUrl = `http://127.0.0.1:${config.httpPort}`;
    // A service that dies while Federa starts would leave the demo waiting for ever: give up instead.
    const serviceDied = Promise.race(
      processes.map((p) =>
        p.firstExit.then((how) => {
          throw new Error(`${p.name} exited (${how}) before Federa was up; its output is above`);
        }),
      ),
    );
    serviceDied.catch(() => undefined);
    await step(() =>
      Promise.race([
        waitUntil(() => isReady(apiUrl), 90_000, 'the gateway is not ready (/readyz)', 250),
        serviceDied,
      ]),
    );
    log(`gateway ready at ${apiUrl}`);

    if (options.demo) {
      const demo = new Demo({
        apiUrl,
        token: token.token,
        env,
        log,
        render,
        ...(credentials
          ? { agentCredentials: (host: string) => credentials.seedOf(busIdentity('agent', host)) }
          : {}),
      });
      started.push(demo);
      await step(() => Promise.race([demo.start(), serviceDied]));
    }
    for (const service of processes) service.keepRunning();

    process.stdout.write(
      readinessBanner({
        apiUrl,
        token: token.token,
        tokenFrom:
          token.source === 'file'
            ? { file: relative(process.cwd(), token.file ?? '') }
            : 'environment',
        demo: options.demo,
        backends: banner,
        opsPorts,
      }),
    );
    await signalled;
    return await shutDown();
  } catch (error) {
    const code = await shutDown();
    if (error instanceof Interrupted) return code;
    throw error;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGHUP', onSignal);
  }
}

/**
 * Stops the last started first: the demo (its shop, agents and workloads), then every service
 * together (they do not need one another to stop), then NATS, then Postgres.
 */
async function stopInReverse(started: Stoppable[], log: (line: string) => void): Promise<void> {
  const stages: Stoppable[][] = [];
  for (const item of [...started].reverse()) {
    const last = stages[stages.length - 1];
    if (item instanceof RestartingService && last?.[0] instanceof RestartingService)
      last.push(item);
    else stages.push([item]);
  }
  for (const stage of stages) {
    await Promise.all(stage.map((s) => s.stop().catch((e) => log(`${s.name}: ${String(e)}`))));
    log(stage[0] instanceof RestartingService ? 'services stopped' : `${stage[0].name} stopped`);
  }
}

/** SIGKILLs everything at once: the second Ctrl-C. */
async function forceStopAll(started: Stoppable[], log: (line: string) => void): Promise<void> {
  await Promise.all(
    started.map(async (s) => {
      try {
        await s.forceStop();
      } catch (error) {
        log(`${s.name}: ${String(error)}`);
      }
    }),
  );
  log('force-stopped');
}

async function isReady(apiUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
    return response.status === 200;
  } catch {
    return false;
  }
}
