import { eventually } from '@federa/testing';
import type { ControlPlane } from './supervision-harness';

/**
 * Service specs and API answer shapes shared by the migration tests and the migration benchmark,
 * so each states only what differs in its own services.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers of several shapes (migrations, instances, errors), checked by the expectations that read them
export type Json = any;
export type Instance = { id: string; app: string; host: string; state: string };

/** A `Service` spec as `PUT /v1/services/{name}` takes it, its applications as `kvStoreApp` writes them. */
export function serviceYaml(name: string, applications: string[]): string {
  return `
apiVersion: federa/v1
kind: Service
metadata: { name: ${name} }
spec:
  applications:
${applications.join('')}`;
}

export interface KvStoreOptions {
  /** 250m unless given. */
  cpu?: string;
  /** Probed on /healthz every 500 ms unless false. */
  health?: boolean;
  /** Further fields of the application, one a line (e.g. `data: { path: data }`). */
  lines?: string[];
}

/** One replica of examples/apps/kv-store.js on the process layer, as a service spec lists it. */
export function kvStoreApp(name: string, options: KvStoreOptions = {}): string {
  const fields = [
    'layer: process',
    'artifact: { command: [node, examples/apps/kv-store.js] }',
    `resources: { cpu: ${options.cpu ?? '250m'}, memory: 128Mi, storage: 1Gi }`,
    'replicas: { min: 1, max: 1 }',
    ...(options.health === false
      ? []
      : ['health: { http: { path: /healthz }, intervalMs: 500, failureThreshold: 3 }']),
    ...(options.lines ?? []),
  ];
  return `    - name: ${name}\n${fields.map((field) => `      ${field}\n`).join('')}`;
}

/** `vault/kv`: a kv-store whose data moves with it. */
export const vaultYaml = serviceYaml('vault', [
  kvStoreApp('kv', { lines: ['data: { path: data }'] }),
]);

/** `vms/vm`: a firmware-only VM on the qemu layer. */
export const vmYaml = serviceYaml('vms', [
  `    - name: vm
      layer: qemu
      artifact: {}
      resources: { cpu: 500m, memory: 128Mi, storage: 0 }
      replicas: { min: 1, max: 1 }
`,
]);

/** Where a service started beside `plane` finds its database, NATS and subject prefix. */
export function planeEnv(plane: ControlPlane): Record<string, string> {
  return {
    FEDERA_DATABASE_URL: plane.database.url,
    FEDERA_NATS_URL: plane.settings.natsUrl,
    FEDERA_SUBJECT_PREFIX: plane.prefix,
  };
}

/** Puts the service through the API and deploys it, expecting both accepted. */
export async function deployService(
  plane: ControlPlane,
  name: string,
  yaml: string,
): Promise<void> {
  expect((await plane.call('PUT', `/v1/services/${name}`, yaml, 'application/yaml')).status).toBe(
    200,
  );
  expect((await plane.call('POST', `/v1/services/${name}/deploy`)).status).toBe(202);
}

/** The instance of `service/app` once healthy, on `host` where given. */
export async function healthyInstance(
  plane: ControlPlane,
  service: string,
  app: string,
  deadlineMs: number,
  host?: string,
): Promise<Instance> {
  return eventually(async () => {
    const items: Instance[] = (await plane.call('GET', `/v1/instances?service=${service}`)).json
      .items;
    const found = items.find((i) => i.app === app);
    return found?.state === 'healthy' && (host === undefined || found.host === host)
      ? found
      : undefined;
  }, deadlineMs) as Promise<Instance>;
}

/**
 * Asks to move `instance` as an operator would: a refusal (409, 503) changes nothing, so while the
 * fleet settles on a loaded machine (a target host late with its heartbeats, placement catching up)
 * it is asked again, each refusal said, until `deadlineMs`. Answers the last answer.
 */
export async function startedMigration(
  plane: ControlPlane,
  instance: string,
  body: Json,
  deadlineMs: number,
): Promise<{ status: number; json: Json }> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const answer = await plane.call('POST', `/v1/instances/${instance}/migrate`, body);
    if (![409, 503].includes(answer.status) || Date.now() > deadline) return answer;
    console.warn(
      `migrate ${instance}: ${answer.status} ${JSON.stringify(answer.json)}; asking again`,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The migration as the API shows it once it ended: succeeded, failed or rolled back. */
export function endedMigration(plane: ControlPlane, id: string, deadlineMs: number): Promise<Json> {
  return eventually(
    async () => {
      const m = (await plane.call('GET', `/v1/migrations/${id}`)).json;
      return ['succeeded', 'failed', 'rolled-back'].includes(m.state) ? m : undefined;
    },
    deadlineMs,
    250,
  );
}
