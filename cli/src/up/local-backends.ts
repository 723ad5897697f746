import { freeTcpPort, type FederaConfig } from '@federa/runtime';
import { join, relative } from 'node:path';
import { chooseNats, choosePostgres } from './backend-probes';
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
}

/**
 * The PostgreSQL and NATS of `federa up`: those the URLs name when they work, else its own, started
 * where chooseBackend says (docs/adr/federa-up-backends.md) with their data in `state`. Both are
 * decided before either is started, so that a URL that can be neither used nor served fails before
 * anything runs.
 */
export async function useOrStartBackends(
  config: Pick<FederaConfig, 'databaseUrl' | 'natsUrl'>,
  state: string,
  { step, launch, log }: StartUpSteps,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BackendsInUse> {
  const [database, nats] = await step(() =>
    Promise.all([
      choosePostgres(config.databaseUrl, Boolean(env.FEDERA_DATABASE_URL)),
      chooseNats(config.natsUrl, Boolean(env.FEDERA_NATS_URL)),
    ]),
  );
  const pgDir = join(state, 'pg');
  const natsDir = join(state, 'nats');
  // Whatever the probe found there, a server left by an earlier run holds the data ours would use.
  const leftoverPostgres = leftoverServer(join(pgDir, 'postmaster.pid'), 'postgres');
  const leftoverNats = leftoverServer(natsPidFile(natsDir), 'nats-server');
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
  if (nats.kind === 'use') {
    log(nats.say);
    banner.push({ label: 'NATS', address: hostOf(natsUrl), note: 'FEDERA_NATS_URL' });
  } else {
    const port = nats.port ?? (await freeTcpPort());
    const at = hostPort(nats.host, port);
    log(`${nats.why}: starting nats-server -js ${nats.instead ? `on ${at} instead` : 'there'}`);
    const server = await launch(() => startLocalNats(natsDir, nats.host, port, log));
    natsUrl = server.url;
    log(`local NATS at ${at} (data in ${shown(natsDir)}), restarted if it dies`);
    banner.push({ label: 'NATS', address: at, note: 'nats-server -js, started by federa up' });
  }
  return { databaseUrl, natsUrl, banner };
}

/** A path as shown to the user: relative to where `federa up` runs. */
function shown(path: string): string {
  return relative(process.cwd(), path);
}

function hostOf(url: string): string {
  const parsed = new URL(url.split(',')[0]);
  return `${parsed.hostname}:${parsed.port || (parsed.protocol.startsWith('postgres') ? 5432 : 4222)}`;
}
