import type { INestMicroservice } from '@nestjs/common';
import { advisoryLockKey } from '@federa/eventstore';
import { listenOnCommands } from './command-service';
import { startStatisticsService } from './statistics-service';
import { loadConfig } from '@federa/runtime';
import { freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import { Client } from 'pg';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import {
  loadSupervisionSettings,
  supervisionLeaseName,
  type SupervisionSettings,
} from '../services/supervision/src';
import { SupervisionModule } from '../services/supervision/src/supervision.module';

export const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
export const apiToken = 'supervision-test-token';

/** A database, supervision and the gateway on a unique subject prefix, as one test file's control plane. */
export interface ControlPlane {
  database: FreshDatabase;
  prefix: string;
  settings: SupervisionSettings;
  supervision: INestMicroservice;
  /** Present when started with `statistics: true`. */
  statistics?: INestMicroservice;
  gateway: GatewayApp;
  call(
    method: string,
    path: string,
    body?: string | object,
    contentType?: string,
  ): Promise<{ status: number; json: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  events(
    types?: string[],
  ): Promise<Array<{ position: number; streamId: string; type: string; data: any }>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/** How a test's control plane differs from the default one. */
export interface ControlPlaneOptions {
  /**
   * false: the test holds supervision's leader lock, so supervision only follows the log and
   * answers (a standby replica): nothing it does adds to what the test appends. @default true
   */
  leader?: boolean;
  /** The NATS every part of the plane uses (a test's own server it stops and restarts). @default natsUrl */
  natsUrl?: string;
  /** Also runs the statistics service (it follows the event stream: a relay must publish it). @default false */
  statistics?: boolean;
}

export async function startControlPlane(
  label: string,
  overrides: Partial<SupervisionSettings> = {},
  options: ControlPlaneOptions = {},
): Promise<ControlPlane> {
  const database = await freshDatabase(label);
  let lockHolder: Client | undefined;
  if (options.leader === false) {
    lockHolder = new Client({ connectionString: database.url });
    await lockHolder.connect();
    await lockHolder.query('SELECT pg_advisory_lock($1::bigint)', [
      advisoryLockKey(supervisionLeaseName),
    ]);
  }
  const prefix = uniquePrefix(label.slice(0, 8));
  const env = {
    ...process.env,
    FEDERA_DATABASE_URL: database.url,
    FEDERA_NATS_URL: options.natsUrl ?? natsUrl,
    FEDERA_SUBJECT_PREFIX: prefix,
  };
  const settings = { ...loadSupervisionSettings(env), tickMs: 100, ...overrides };
  const supervision = await startSupervision(settings);
  const statistics = options.statistics ? await startStatisticsService(env) : undefined;
  const gateway = await createGatewayApp({
    ...loadConfig(env),
    apiToken,
    httpPort: 0,
    httpHost: '127.0.0.1',
    logLevel: 'silent',
  });
  const call: ControlPlane['call'] = async (method, path, body, contentType) => {
    const headers: Record<string, string> = { authorization: `Bearer ${apiToken}` };
    if (body !== undefined) headers['content-type'] = contentType ?? 'application/json';
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers,
      body: typeof body === 'object' ? JSON.stringify(body) : body,
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  const events: ControlPlane['events'] = async (types) => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT position, stream_id AS "streamId", type, data FROM eventlog.events ORDER BY position',
      );
      return rows
        .map((r) => ({ ...r, position: Number(r.position) }))
        .filter((r) => !types || types.includes(r.type));
    } finally {
      await client.end();
    }
  };
  return {
    database,
    prefix,
    settings,
    supervision,
    statistics,
    gateway,
    call,
    events,
    async close() {
      await gateway.close();
      await statistics?.close();
      await supervision.close();
      await lockHolder?.end();
      await database.drop();
    },
  };
}

export async function startSupervision(settings: SupervisionSettings): Promise<INestMicroservice> {
  return listenOnCommands(
    SupervisionModule.forRoot(settings),
    'supervision',
    { natsUrl: settings.natsUrl, subjectPrefix: settings.subjectPrefix },
    ['error', 'warn'],
  );
}
