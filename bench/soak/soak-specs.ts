/** The shapes of service the soak deploys, each a mix of applications. */
export type SoakServiceKind =
  /** Real processes on the real agents: a kv-store with data (backed up), a worker on it. */
  | 'process'
  /** One stateless simulated application, two replicas. */
  | 'single'
  /** A simulated database with data and a front end that depends on it. */
  | 'with-data'
  /** Three simulated applications in a dependency chain. */
  | 'chain'
  /** A simulated worker pool that scales up and down. */
  | 'pool';

/** What the churn changes of a service: its spec is rebuilt from this. */
export interface SoakService {
  name: string;
  kind: SoakServiceKind;
  /** Bumped by each changed-spec deploy: a different spec, so that a new revision rolls out. */
  generation: number;
  /** Added to every application's base replicas by scaling (never below 0 replicas in total). */
  scale: number;
  /** Stopped by the churn and not started again yet. */
  stopped: boolean;
}

/** Service `index` (1-based) of the soak: the 1st, 26th, 51st, ... run real processes when there
 * are real agents (so that a small soak has one too). */
export function soakService(index: number, realAgents: boolean): SoakService {
  const name = `soak-${String(index).padStart(4, '0')}`;
  const simKinds: SoakServiceKind[] = ['single', 'with-data', 'chain', 'pool'];
  const kind = realAgents && index % 25 === 1 ? 'process' : simKinds[index % simKinds.length];
  return { name, kind, generation: 0, scale: 0, stopped: false };
}

/** The largest scale the churn asks of a kind (process services stay small: they are real processes). */
export function maxScale(kind: SoakServiceKind): number {
  return kind === 'process' ? 1 : 2;
}

/** The smallest scale the churn asks of a kind: below its base where its last application has more than one replica. */
export function minScale(kind: SoakServiceKind): number {
  const apps = shapes[kind];
  return apps[apps.length - 1].replicas > 1 ? -1 : 0;
}

interface AppShape {
  name: string;
  replicas: number;
  dependsOn?: string[];
  data?: boolean;
}

const shapes: Record<SoakServiceKind, AppShape[]> = {
  process: [
    { name: 'store', replicas: 1, data: true },
    { name: 'worker', replicas: 1, dependsOn: ['store'] },
  ],
  single: [{ name: 'app', replicas: 2 }],
  'with-data': [
    { name: 'db', replicas: 1, data: true },
    { name: 'web', replicas: 2, dependsOn: ['db'] },
  ],
  chain: [
    { name: 'cache', replicas: 1 },
    { name: 'api', replicas: 1, dependsOn: ['cache'] },
    { name: 'front', replicas: 1, dependsOn: ['api'] },
  ],
  pool: [{ name: 'worker', replicas: 3 }],
};

/**
 * The service's spec now. Scaling moves the replicas of its last application (the one nothing
 * depends on); a changed-spec deploy changes the cpu of simulated applications or an environment
 * variable of real ones, so that every instance is replaced by the new revision.
 */
export function specOf(service: SoakService): object {
  const apps = shapes[service.kind];
  return {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name: service.name },
    spec: {
      applications: apps.map((app, i) => {
        const replicas = replicasOf(app, i === apps.length - 1, service.scale);
        const common = {
          name: app.name,
          replicas: { min: replicas, max: replicas + 2 },
          ...(app.dependsOn ? { dependsOn: app.dependsOn } : {}),
        };
        if (service.kind === 'process')
          return {
            ...common,
            layer: 'process',
            artifact: {
              command: ['node', 'examples/apps/kv-store.js'],
              env: { SOAK_GENERATION: String(service.generation) },
            },
            resources: { cpu: '100m', memory: '64Mi', storage: '1Gi' },
            health: { http: { path: '/healthz' }, intervalMs: 1000, failureThreshold: 3 },
            ...(app.data ? { data: { path: 'data', backupEveryMs: 60_000 } } : {}),
          };
        return {
          ...common,
          layer: 'sim',
          resources: {
            cpu: `${100 + (service.generation % 5) * 10}m`,
            memory: '128Mi',
            storage: '1Gi',
          },
          ...(app.data ? { data: { path: 'data' } } : {}),
        };
      }),
    },
  };
}

/** The replicas of one application: the last one's moved by `scale`, never below one. */
function replicasOf(app: AppShape, last: boolean, scale: number): number {
  return last ? Math.max(1, app.replicas + scale) : app.replicas;
}
