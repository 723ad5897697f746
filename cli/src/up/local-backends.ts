import { freeTcpPort, type FederaConfig } from '@federa/runtime';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chooseNats, choosePostgres, natsAdmitsAnonymous } from './backend-probes';
import { prepareUpBusCredentials, type UpBusCredentials } from './bus-credentials';
import { hostPort } from './domain/backend-choice';
import { startEmbeddedPostgres } from './embedded-postgres-server';
import { adminToken } from './admin-token';
import { leftoverError, leftoverProcesses, leftoverServer } from './leftover-backend';
import { natsPidFile, startLocalNats } from './local-nats-server';
import { databaseName } from './prepare-database';
import type { BannerBackend } from './readiness-banner';
import type { Stoppable } from './stop-process';

/** How `runUp` runs a start-up step: abandoned on a signal (`step`), or always seen through (`launch`). */
export interface StartUpSteps {
  step<T>(work: () => Promise<T>): Promise<T>;
  launch<T extends Stoppable>(start: () => Promise<T>): Promise<T>;
  log(line: string): void;
}

/** The PostgreSQL and NATS the services are given, and the banner's lines about them. */
export interface BackendsInUse {
  databaseUrl: string;
  natsUrl: string;
  banner: BannerBackend[];
  /** The bus identities of the NATS `federa up` started, now or in an earlier run (undefined: it uses another). */
  credentials?: UpBusCredentials;
}

/**
 * The PostgreSQL and NATS of `federa up`: those the URLs name when they work, else its own, started
 * where chooseBackend says (docs/adr/federa-up-backends.md) with their data in `state`. Both are
 * decided before either is started, so that a URL that can be neither used nor served fails before
 * anything runs.
 */
export async function useOrStartBackends(
  config: Pick<FederaConfig, 'databaseUrl' | 'natsUrl'> &
    Partial<Pick<FederaConfig, 'subjectPrefix'>>,
  state: string,
  { step, launch, log }: StartUpSteps,
  env: NodeJS.ProcessEnv = process.env,
  /** Hosts whose agents get credentials on a NATS `federa up` starts (the demo's). */
  agentHosts: string[] = [],
): Promise<BackendsInUse> {
  const pgDir = join(state, 'pg');
  const natsDir = join(state, 'nats');
  // Read before the probes: a leftover nats-server logs the probe's refused login (it admits only
  // its credentials) and, its output gone with the run that started it, may die of it.
  const leftoverPostgres = leftoverServer(join(pgDir, 'postmaster.pid'), 'postgres');
  const leftoverNats = leftoverServer(natsPidFile(natsDir), 'nats-server');
  const probedAs = ownNatsCredentials(state, env);
  const [database, nats] = await step(() =>
    Promise.all([
      choosePostgres(config.databaseUrl, Boolean(env.FEDERA_DATABASE_URL)),
      chooseNats(config.natsUrl, Boolean(env.FEDERA_NATS_URL), probedAs),
    ]),
  );
  // Whatever the probe found there, a server left by an earlier run holds the data ours would use.
  const blocking =
    (database.kind !== 'use' && leftoverPostgres) || (nats.kind !== 'use' && leftoverNats);
  if (blocking) {
    // The run that left it was killed with everything it started: name all of it, the other
    // backend too, even where that one would be used as it is.
    const servers = [
      ...(leftoverPostgres
        ? [{ what: 'PostgreSQL', pid: leftoverPostgres, dataDir: shown(pgDir) }]
        : []),
      ...(leftoverNats
        ? [{ what: 'nats-server', pid: leftoverNats, dataDir: shown(natsDir) }]
        : []),
    ];
    throw leftoverError(servers, leftoverProcesses(adminToken(state, env).token));
  }
  if (database.kind === 'fail' || nats.kind === 'fail') {
    const refusals = [database, nats].flatMap((c) => (c.kind === 'fail' ? [c.error] : []));
    throw new Error(refusals.join('\n'));
  }

  const banner: BannerBackend[] = [];
  let databaseUrl = config.databaseUrl;
  if (database.kind === 'use') {
    log(database.say);
    banner.push({
      label: 'Postgres',
      address: `${hostOf(databaseUrl)}/${databaseName(databaseUrl)}`,
      note: 'FEDERA_DATABASE_URL',
    });
  } else {
    const port = database.port ?? (await freeTcpPort());
    const at = hostPort(database.host, port);
    log(
      `${database.why}: starting an embedded one ${database.instead ? `on ${at} instead` : 'there'}`,
    );
    const postgres = await launch(() => startEmbeddedPostgres(pgDir, database.host, port, log));
    databaseUrl = postgres.url(databaseName(config.databaseUrl));
    log(`embedded PostgreSQL at ${at} (data in ${shown(pgDir)}), restarted if it dies`);
    banner.push({
      label: 'Postgres',
      address: `${at}/${databaseName(databaseUrl)}`,
      note: `embedded; user postgres, password in ${shown(join(state, 'pg-password'))}`,
    });
  }

  let natsUrl = config.natsUrl;
  let credentials: UpBusCredentials | undefined;
  if (nats.kind === 'use') {
    log(nats.say);
    // The server an earlier run left (its pid file names it, and it let our identity in) admits
    // only our identities; an anonymous probe's refused login, logged to the dead run's output,
    // would end it.
    const leftoverOfOurs = leftoverNats !== undefined && probedAs !== undefined;
    const admitsAnonymous = leftoverOfOurs ? false : await step(() => natsAdmitsAnonymous(natsUrl));
    log(
      leftoverOfOurs
        ? `this NATS is the nats-server an earlier federa up started (pid ${leftoverNats}): it admits only the identities in ${shown(join(state, 'credentials'))}`
        : opennessLine(admitsAnonymous),
    );
    banner.push({ label: 'NATS', address: hostOf(natsUrl), note: 'FEDERA_NATS_URL' });
    // It let our own identity in and nobody without one: the NATS an earlier run started, which
    // admits only the identities in <state>/credentials. Its services and agents connect as them.
    if (probedAs !== undefined && admitsAnonymous === false) {
      credentials = reuseUpBusCredentials(
        state,
        config.subjectPrefix ?? 'federa',
        agentHosts,
        natsDir,
        leftoverNats,
        log,
      );
    }
  } else {
    credentials = prepareUpBusCredentials(
      state,
      config.subjectPrefix ?? 'federa',
      agentHosts,
      natsDir,
    );
    const port = nats.port ?? (await freeTcpPort());
    const at = hostPort(nats.host, port);
    log(`${nats.why}: starting nats-server -js ${nats.instead ? `on ${at} instead` : 'there'}`);
    const serverConfig = credentials.serverConfig;
    const server = await launch(() => startLocalNats(natsDir, nats.host, port, log, serverConfig));
    natsUrl = server.url;
    log(`local NATS at ${at} (data in ${shown(natsDir)}), restarted if it dies`);
    log(
      `bus credentials in ${shown(credentials.dir.dir)}: each service and demo agent has its own; no other client gets in`,
    );
    banner.push({ label: 'NATS', address: at, note: 'nats-server -js, started by federa up' });
  }
  return { databaseUrl, natsUrl, banner, ...(credentials ? { credentials } : {}) };
}

/**
 * The credentials of a NATS an earlier `federa up` started, used again: identities this run needs
 * and that one did not (a new demo host, another subject prefix) are issued, and the user is told
 * how the server gets them. It is not signalled from here: its output went with the run that
 * started it, and the line a reload logs would end it.
 */
function reuseUpBusCredentials(
  state: string,
  subjectPrefix: string,
  agentHosts: string[],
  natsDir: string,
  serverPid: number | undefined,
  log: (line: string) => void,
): UpBusCredentials {
  const authConfig = join(state, 'credentials', 'nats-auth.conf');
  const before = readOrNothing(authConfig);
  const credentials = prepareUpBusCredentials(state, subjectPrefix, agentHosts, natsDir);
  log(
    `bus credentials in ${shown(credentials.dir.dir)}: each service and demo agent connects as itself`,
  );
  if (readOrNothing(authConfig) === before) return credentials;
  log(
    serverPid === undefined
      ? `${shown(authConfig)} changed: reload that nats-server (nats-server --signal reload) to admit the identities issued now`
      : `${shown(authConfig)} changed: the nats-server an earlier federa up started (pid ${serverPid}) admits the identities issued now only once started again: stop it (kill ${serverPid}) and run federa up again`,
  );
  return credentials;
}

function readOrNothing(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A path as shown to the user: relative to where `federa up` runs. */
function shown(path: string): string {
  return relative(process.cwd(), path);
}

function hostOf(url: string): string {
  const parsed = new URL(url.split(',')[0]);
  return `${parsed.hostname}:${parsed.port || (parsed.protocol.startsWith('postgres') ? 5432 : 4222)}`;
}

/** One line on whether the NATS in use lets anyone in (docs/security/bus.md). */
function opennessLine(admitsAnonymous: boolean | undefined): string {
  if (admitsAnonymous === true)
    return 'this NATS admits clients without credentials: the bus is open to anyone who reaches it (docs/security/bus.md)';
  if (admitsAnonymous === false) return 'this NATS refuses clients without credentials';
  return 'could not tell whether this NATS admits clients without credentials';
}

/**
 * The identity to probe with when none is given: a NATS an earlier run started admits only its own
 * identities, and one it refuses logs the refusal (which kills a leftover server whose output is gone).
 */
function ownNatsCredentials(state: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.FEDERA_NATS_CREDENTIALS) return undefined;
  // The relay's: it may ask JetStream what the probe asks.
  const seed = join(state, 'credentials', 'service-relay.nk');
  return existsSync(seed) ? seed : undefined;
}
