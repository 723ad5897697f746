import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { connect } from 'nats';
import { parse, parseAllDocuments } from 'yaml';
import { credentialsAuthenticator } from '@federa/messaging';
import { itWhen, NatsServerProcess, natsServerBinary } from '@federa/testing';

// deploy/kubernetes and docker-compose.yml cannot be applied here (no cluster, no Docker): they are
// validated offline instead. Each Kubernetes overlay is rendered as `kubectl apply -k` would render
// it (`kubectl kustomize`), every object checked against the Kubernetes API's own schemas
// (kubernetes-models, the Prometheus operator's for the ServiceMonitor), and every command, file and
// variable they name against this repository.

const root = join(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

type EnvVar = {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
};
type HttpProbe = { httpGet?: { path: string; port: string | number } };
type Container = {
  name: string;
  image: string;
  args?: string[];
  env?: EnvVar[];
  envFrom?: { secretRef?: { name: string }; configMapRef?: { name: string } }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: HttpProbe;
  readinessProbe?: HttpProbe;
  startupProbe?: HttpProbe;
  securityContext?: { privileged?: boolean };
};
type KeyToPath = { key: string; path: string };
type Volume = {
  name: string;
  secret?: { secretName: string; items?: KeyToPath[] };
  hostPath?: { path: string; type?: string };
  projected?: {
    sources: {
      secret?: { name: string; items?: KeyToPath[] };
      configMap?: { name: string; items?: KeyToPath[] };
    }[];
  };
};
type PodSpec = { containers?: Container[]; volumes?: Volume[] };
type Labels = Record<string, string>;
type LabelSelector = {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
};
type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Labels };
  data?: Record<string, string>;
  spec?: {
    replicas?: number;
    serviceName?: string;
    selector?: LabelSelector & Labels;
    template?: { metadata?: { labels?: Labels }; spec?: PodSpec };
    maxUnavailable?: number | string;
    podSelector?: LabelSelector;
    policyTypes?: string[];
    ingress?: {
      from?: { podSelector?: LabelSelector; namespaceSelector?: LabelSelector }[];
      ports?: { port: string | number }[];
    }[];
    clusterIP?: string;
    ports?: { name: string; port: number; targetPort: string | number }[];
    endpoints?: { port: string; path: string }[];
    instances?: number;
    bootstrap?: { initdb?: { database?: string; owner?: string } };
    storage?: { size?: string };
  };
};

/**
 * The file a path in a container names, as the pod's volumes provide it: `{ volume, file }` where
 * file is the path inside the volume (a secret's key mapped to it, or a host path's file).
 */
function mountedFile(pod: PodSpec, container: Container, path: string) {
  const mount = container.volumeMounts?.find((m) => path.startsWith(`${m.mountPath}/`));
  if (!mount) return undefined;
  const volume = pod.volumes?.find((v) => v.name === mount.name);
  const inside = path.slice(mount.mountPath.length + 1);
  return { volume, inside, readOnly: mount.readOnly === true };
}

/**
 * Schema errors of each group's objects, from kubernetes-models and the Prometheus operator's models
 * (ES modules: run in one child process, each kind's model loaded alone). A kind without a model is
 * an error: none may go unchecked.
 */
function schemaErrors(groups: Record<string, K8sObject[]>): Record<string, string[]> {
  const script = `
    const packages = { 'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1' };
    const groups = JSON.parse(await new Promise((resolve) => {
      let text = '';
      process.stdin.on('data', (chunk) => (text += chunk)).on('end', () => resolve(text));
    }));
    const errors = {};
    for (const [group, objects] of Object.entries(groups)) {
      errors[group] = [];
      for (const o of objects) {
        const path = (packages[o.apiVersion] ?? 'kubernetes-models/' + o.apiVersion) + '/' + o.kind;
        const Model = await import(path).then((m) => m[o.kind], () => undefined);
        if (!Model) { errors[group].push(o.kind + ' ' + o.metadata.name + ': no schema for ' + o.apiVersion); continue; }
        try { new Model(o).validate(); } catch (e) { errors[group].push(o.kind + ' ' + o.metadata.name + ': ' + e.message); }
      }
    }
    process.stdout.write(JSON.stringify(errors));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    input: JSON.stringify(groups),
    encoding: 'utf8',
  });
  return JSON.parse(out) as Record<string, string[]>;
}

/** `dist/services/<name>/src/main.js` (what the image runs) → its source file must exist. */
function sourceOf(args: readonly string[]): string | undefined {
  const main = args.find((a) => /^dist\/.*\.js$/.test(a));
  return main && main.replace(/^dist\//, '').replace(/\.js$/, '.ts');
}

/** Every FEDERA_* variable the configuration reference documents. */
function documentedVariables(): Set<string> {
  return new Set(
    [...read('docs/reference/configuration.md').matchAll(/^\| `(FEDERA_[A-Z0-9_]+)`/gm)].map(
      (m) => m[1],
    ),
  );
}

const SERVICES = [
  'gateway',
  'relay',
  'inventory',
  'placement',
  'supervision',
  'migration',
  'statistics',
];

/**
 * Why the overlays cannot be rendered here, or undefined: `kubectl kustomize` with kustomize 4 or
 * later (kubectl 1.21+; earlier ones know neither components nor directories as resources).
 */
function rendererProblem(): string | undefined {
  const version = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (version.error || version.status !== 0)
    return 'kubectl is not installed: the overlays are rendered with `kubectl kustomize`';
  const kustomize = (JSON.parse(version.stdout) as { kustomizeVersion?: string }).kustomizeVersion;
  const major = Number(/^v?(\d+)/.exec(kustomize ?? '')?.[1] ?? 0);
  return major >= 4
    ? undefined
    : `this kubectl embeds kustomize ${kustomize ?? '(unknown)'}; the overlays need kustomize 4 or later (kubectl 1.21+)`;
}

/** The objects `kubectl apply -k <dir>` would apply. */
function render(dir: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', join(root, dir)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
}

/** Whether a label selector selects these labels. */
function selects(selector: LabelSelector | undefined, labels: Labels = {}): boolean {
  if (!selector) return false;
  const matched = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    matched &&
    (selector.matchExpressions ?? []).every((e) =>
      e.operator === 'In'
        ? (e.values ?? []).includes(labels[e.key])
        : e.operator === 'NotIn'
          ? !(e.values ?? []).includes(labels[e.key])
          : e.operator === 'Exists'
            ? e.key in labels
            : !(e.key in labels),
    )
  );
}

const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet'];
const OVERLAYS = ['overlays/single-node', 'overlays/production'];
const problem = rendererProblem();
/** A directory that fails to render fails the tests that read it, not the file's other tests. */
let renderError: Error | undefined;
function renderOrNote(dir: string): K8sObject[] {
  try {
    return render(dir);
  } catch (error) {
    renderError ??= new Error(`kubectl kustomize ${dir}: ${(error as { stderr?: string }).stderr}`);
    return [];
  }
}
const renderedOverlays = new Map<string, K8sObject[]>(
  problem ? [] : OVERLAYS.map((o) => [o, renderOrNote(`deploy/kubernetes/${o}`)]),
);
const renderedAgents = problem
  ? []
  : [
      ...renderOrNote('deploy/kubernetes/agents'),
      ...renderOrNote('deploy/kubernetes/overlays/agents-kvm'),
    ];
const whenRendered = itWhen(problem);

describe('the Kubernetes manifests', () => {
  const workloadsOf = (objects: K8sObject[]) => objects.filter((o) => WORKLOADS.includes(o.kind));
  const podOf = (o: K8sObject) => o.spec!.template!.spec!;
  const named = (objects: K8sObject[], kind: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name);
  /** Each service's workload of an overlay, by service name (its container's). */
  const servicesOf = (objects: K8sObject[]) =>
    new Map(
      workloadsOf(objects)
        .filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] !== 'nats')
        .map((o) => [podOf(o).containers![0].name, o]),
    );
  /** The routes of the rendered NATS configuration's cluster.conf. */
  const routesOf = (objects: K8sObject[]) => {
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.data?.['cluster.conf']);
    return [...(config?.data?.['cluster.conf'] ?? '').matchAll(/^\s*(nats:\/\/\S+)\s*$/gm)].map(
      (m) => m[1],
    );
  };
  const federaConfig = (objects: K8sObject[]) =>
    objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('federa-config-'))!;

  /** Every rendered object's schema errors, and those of objects broken on purpose. */
  const validation = (() => {
    let errors: Record<string, string[]> | undefined;
    return () => {
      if (errors) return errors;
      const production = renderedOverlays.get('overlays/production')!;
      const broken = structuredClone(workloadsOf(production)[0]);
      (podOf(broken).containers![0] as unknown as { image: number }).image = 3;
      const monitor = structuredClone(production.find((o) => o.kind === 'ServiceMonitor')!);
      (monitor.spec as unknown as { endpoints: unknown }).endpoints = 'metrics';
      const unknown = { ...monitor, apiVersion: 'example.com/v1' };
      errors = schemaErrors({
        ...Object.fromEntries(
          [...renderedOverlays].map(([overlay, objects]) => [
            overlay,
            // CloudNativePG publishes no schema package: its Cluster is checked field by field below.
            objects.filter((o) => o.apiVersion !== 'postgresql.cnpg.io/v1'),
          ]),
        ),
        agents: renderedAgents,
        broken: [broken, monitor, unknown],
      });
      return errors;
    };
  })();

  whenRendered('render every overlay into objects valid by the Kubernetes API schemas', () => {
    if (renderError) throw renderError;
    for (const [overlay, objects] of renderedOverlays)
      expect({ overlay, services: [...servicesOf(objects).keys()].sort() }).toEqual({
        overlay,
        services: [...SERVICES].sort(),
      });
    const { broken: _broken, ...rendered } = validation();
    expect(rendered).toEqual({
      'overlays/single-node': [],
      'overlays/production': [],
      agents: [],
    });
  });

  whenRendered('catch an invalid object (the validation is real)', () => {
    expect(validation().broken).toEqual([
      expect.stringContaining('image must be string'),
      expect.stringContaining('endpoints must be array'),
      expect.stringContaining('no schema for example.com/v1'),
    ]);
  });

  whenRendered(
    'run every service from its source, with requests and limits, and probes on the port it serves them',
    () => {
      for (const [overlay, objects] of renderedOverlays)
        for (const [name, workload] of servicesOf(objects)) {
          const c = podOf(workload).containers![0];
          const source = sourceOf(c.args ?? []);
          expect({ overlay, name, source: !!source && existsSync(join(root, source)) }).toEqual({
            overlay,
            name,
            source: true,
          });
          for (const bound of ['requests', 'limits'] as const)
            expect({ name, [bound]: Object.keys(c.resources?.[bound] ?? {}).sort() }).toEqual({
              name,
              [bound]: ['cpu', 'memory'],
            });
          // The gateway serves its endpoints on its API port; every other service on FEDERA_METRICS_PORT.
          const port = c.ports?.find((p) => p.name === (name === 'gateway' ? 'http' : 'metrics'));
          const metricsPort = c.env?.find((e) => e.name === 'FEDERA_METRICS_PORT')?.value;
          expect({ name, port: port?.containerPort }).toEqual({
            name,
            port: name === 'gateway' ? 8080 : Number(metricsPort),
          });
          expect({
            name,
            startup: c.startupProbe?.httpGet,
            liveness: c.livenessProbe?.httpGet,
            readiness: c.readinessProbe?.httpGet,
          }).toEqual({
            name,
            startup: { path: '/healthz', port: port!.name },
            liveness: { path: '/healthz', port: port!.name },
            // The gateway is routed on its own needs only: one unready backend must not take
            // every gateway out of its Service.
            readiness: {
              path: name === 'gateway' ? '/readyz?scope=self' : '/readyz',
              port: port!.name,
            },
          });
        }
    },
  );

  whenRendered(
    'run one of everything on a single node, and in production two of every service and three NATS servers',
    () => {
      const replicas = (overlay: string) =>
        Object.fromEntries(
          workloadsOf(renderedOverlays.get(overlay)!).map((o) => [
            o.metadata.name,
            o.spec?.replicas,
          ]),
        );
      const everyService = (count: number) =>
        Object.fromEntries(SERVICES.map((s) => [`federa-${s}`, count]));
      expect(replicas('overlays/single-node')).toEqual({ ...everyService(1), nats: 1 });
      expect(replicas('overlays/production')).toEqual({ ...everyService(2), nats: 3 });
    },
  );

  whenRendered(
    "split placement's instances between its replicas: each pod's index is its ordinal, their count the replicas",
    () => {
      for (const [overlay, objects] of renderedOverlays) {
        const placement = named(objects, 'StatefulSet', 'federa-placement')!;
        const env = podOf(placement).containers![0].env ?? [];
        const count = env.find((e) => e.name === 'FEDERA_PLACEMENT_REPLICAS')?.value;
        const index = env.find((e) => e.name === 'FEDERA_PLACEMENT_REPLICA_INDEX');
        expect({ overlay, count: Number(count) }).toEqual({
          overlay,
          count: placement.spec!.replicas,
        });
        expect(index?.valueFrom?.fieldRef?.fieldPath).toBe(
          "metadata.labels['apps.kubernetes.io/pod-index']",
        );
      }
    },
  );

  whenRendered(
    'keep the event stream on every NATS server: the stream replicas setting reaches every service and equals the servers',
    () => {
      for (const [overlay, objects] of renderedOverlays) {
        const config = federaConfig(objects);
        const servers = named(objects, 'StatefulSet', 'nats')!.spec!.replicas!;
        expect({ overlay, streamReplicas: Number(config.data!.FEDERA_STREAM_REPLICAS) }).toEqual({
          overlay,
          streamReplicas: servers,
        });
        // A single server has no routes; a cluster routes to each of its servers by its stable name.
        const nats = named(objects, 'StatefulSet', 'nats')!;
        const port = podOf(nats).containers![0].ports!.find((p) => p.name === 'cluster')!;
        expect({ overlay, routes: routesOf(objects) }).toEqual({
          overlay,
          routes:
            servers === 1
              ? []
              : Array.from(
                  { length: servers },
                  (_, i) => `nats://nats-${i}.${nats.spec!.serviceName}:${port.containerPort}`,
                ),
        });
        expect(named(objects, 'Service', nats.spec!.serviceName!)?.spec?.clusterIP).toBe('None');
        for (const [name, workload] of servicesOf(objects)) {
          const refs = podOf(workload).containers![0].envFrom?.map((e) => e.configMapRef?.name);
          expect({ overlay, name, refs }).toEqual({ overlay, name, refs: [config.metadata.name] });
        }
      }
      expect(
        federaConfig(renderedOverlays.get('overlays/production')!).data!.FEDERA_STREAM_REPLICAS,
      ).toBe('3');
    },
  );

  whenRendered('give every workload a PodDisruptionBudget that lets one pod go at a time', () => {
    for (const [overlay, objects] of renderedOverlays) {
      const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget');
      for (const workload of workloadsOf(objects)) {
        const labels = workload.spec!.template!.metadata!.labels;
        const covering = budgets.filter((b) => selects(b.spec!.selector, labels));
        expect({
          overlay,
          workload: workload.metadata.name,
          maxUnavailable: covering.map((b) => b.spec!.maxUnavailable),
        }).toEqual({ overlay, workload: workload.metadata.name, maxUnavailable: [1] });
      }
    }
  });

  whenRendered(
    'let in only API calls, bus clients, the NATS servers to each other, and Prometheus to the metrics ports',
    () => {
      for (const [overlay, objects] of renderedOverlays) {
        const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
        /** Each rule that applies to a pod, as `port <- from` (`*` for anywhere). */
        const allowed = (labels: Labels | undefined) =>
          policies
            .filter((p) => selects(p.spec!.podSelector, labels))
            .flatMap((p) =>
              (p.spec!.ingress ?? []).flatMap((rule) =>
                (rule.ports ?? [{ port: '*' }]).map(
                  (port) =>
                    `${port.port} <- ${
                      rule.from
                        ? rule.from
                            .map(
                              (f) =>
                                JSON.stringify(f.podSelector?.matchLabels ?? {}) +
                                (f.namespaceSelector ? ' in any namespace' : ''),
                            )
                            .join(', ')
                        : '*'
                    }`,
                ),
              ),
            )
            .sort();
        const prometheus = `metrics <- ${JSON.stringify({ 'app.kubernetes.io/name': 'prometheus' })} in any namespace`;
        for (const workload of workloadsOf(objects)) {
          const labels = workload.spec!.template!.metadata!.labels;
          const name = workload.metadata.name;
          // Every pod is under a policy that lists ingress: nothing unlisted gets in.
          expect({
            overlay,
            name,
            isolated: policies.some(
              (p) =>
                selects(p.spec!.podSelector, labels) && p.spec!.policyTypes?.includes('Ingress'),
            ),
          }).toEqual({ overlay, name, isolated: true });
          const expected =
            name === 'nats'
              ? [
                  `cluster <- ${JSON.stringify(workload.spec!.selector!.matchLabels)}`,
                  `monitor <- ${JSON.stringify(workload.spec!.selector!.matchLabels)}`,
                  'nats <- *',
                  prometheus,
                ]
              : name === 'federa-gateway'
                ? ['http <- *', prometheus]
                : [prometheus];
          expect({ overlay, name, allowed: allowed(labels) }).toEqual({
            overlay,
            name,
            allowed: expected.sort(),
          });
        }
      }
    },
  );

  whenRendered(
    "scrape every service's /metrics in production, through a ServiceMonitor selecting each one's Service",
    () => {
      const objects = renderedOverlays.get('overlays/production')!;
      const [monitor] = objects.filter((o) => o.kind === 'ServiceMonitor');
      const scraped = objects.filter(
        (o) => o.kind === 'Service' && selects(monitor.spec!.selector, o.metadata.labels),
      );
      const endpoints = new Map(monitor.spec!.endpoints!.map((e) => [e.port, e.path]));
      for (const [name, workload] of servicesOf(objects)) {
        const labels = workload.spec!.template!.metadata!.labels;
        const service = scraped.find((s) => selects({ matchLabels: s.spec!.selector }, labels));
        // The Service's port the ServiceMonitor names, onto the container's port serving /metrics.
        const port = service?.spec?.ports?.find((p) => endpoints.get(p.name) === '/metrics');
        const target = podOf(workload).containers![0].ports?.find(
          (p) => p.name === port?.targetPort,
        );
        expect({ name, scraped: !!target }).toEqual({ name, scraped: true });
      }
      expect(scraped.map((s) => s.metadata.name).sort()).toEqual(
        SERVICES.map((s) => `federa-${s}`).sort(),
      );
      expect(renderedOverlays.get('overlays/single-node')!.map((o) => o.kind)).not.toContain(
        'ServiceMonitor',
      );
    },
  );

  whenRendered(
    "read the database URL from the Secret CloudNativePG's Cluster makes in production, and from yours on a single node",
    () => {
      for (const [overlay, objects] of renderedOverlays)
        for (const [name, workload] of servicesOf(objects)) {
          const url = podOf(workload).containers![0].env?.find(
            (e) => e.name === 'FEDERA_DATABASE_URL',
          );
          expect({ overlay, name, from: url?.valueFrom?.secretKeyRef }).toEqual({
            overlay,
            name,
            from: { name: 'federa-postgres-app', key: 'uri' },
          });
        }
      // The operator names the Secret of a Cluster's application user `<cluster>-app`, key `uri`.
      const clusters = renderedOverlays
        .get('overlays/production')!
        .filter((o) => o.apiVersion === 'postgresql.cnpg.io/v1');
      expect(clusters.map((c) => ({ kind: c.kind, secret: `${c.metadata.name}-app` }))).toEqual([
        { kind: 'Cluster', secret: 'federa-postgres-app' },
      ]);
      const spec = clusters[0].spec!;
      expect(Number.isInteger(spec.instances) && spec.instances! >= 2).toBe(true);
      expect(spec.bootstrap?.initdb).toEqual({ database: 'federa', owner: 'federa' });
      expect(spec.storage?.size).toMatch(/^\d+(Mi|Gi|Ti)$/);
      expect(renderedOverlays.get('overlays/single-node')!.map((o) => o.apiVersion)).not.toContain(
        'postgresql.cnpg.io/v1',
      );
    },
  );

  whenRendered('set only variables the configuration reference documents', () => {
    const documented = documentedVariables();
    for (const objects of [...renderedOverlays.values(), renderedAgents]) {
      const names = [
        ...workloadsOf(objects).flatMap((w) =>
          podOf(w).containers!.flatMap((c) => (c.env ?? []).map((e) => e.name)),
        ),
        ...Object.keys(federaConfig(objects)?.data ?? {}),
      ].filter((n) => n.startsWith('FEDERA_'));
      expect(names.filter((n) => !documented.has(n))).toEqual([]);
    }
  });

  whenRendered('run the images each overlay names, which name a registry', () => {
    // The base names placeholders; each overlay (and the agents' kustomization) replaces them.
    const images = (objects: K8sObject[]) =>
      new Set(workloadsOf(objects).flatMap((w) => podOf(w).containers!.map((c) => c.image)));
    for (const [overlay, objects] of renderedOverlays)
      expect({ overlay, images: images(objects) }).toEqual({
        overlay,
        images: new Set([
          'registry.example.com/federa:0.1.0',
          'nats:2.10-alpine',
          'natsio/nats-server-config-reloader:0.16.0',
        ]),
      });
    expect(images(renderedAgents)).toEqual(new Set(['registry.example.com/federa-agent:0.1.0']));
  });

  whenRendered(
    "give every service its own bus identity, a seed file mounted from the credentials' Secret",
    () => {
      for (const objects of renderedOverlays.values())
        for (const workload of servicesOf(objects).values()) {
          const pod = podOf(workload);
          for (const c of pod.containers ?? []) {
            const path = c.env?.find((e) => e.name === 'FEDERA_NATS_CREDENTIALS')?.value ?? '';
            const file = mountedFile(pod, c, path);
            // One key only: the pod cannot read another service's seed.
            expect({
              service: c.name,
              readOnly: file?.readOnly,
              secret: file?.volume?.secret,
            }).toEqual({
              service: c.name,
              readOnly: true,
              secret: expect.objectContaining({
                secretName: 'federa-nats-credentials',
                items: [{ key: `service-${c.name}.nk`, path: file?.inside }],
              }),
            });
          }
        }
    },
  );

  it("say to put only the services' seeds and the auth block in the credentials' Secret, never the agents' seeds", () => {
    for (const file of ['deploy/kubernetes/base/kustomization.yaml', 'docs/DEPLOYING.md']) {
      const lines = read(file)
        .split('\n')
        .map((line) => line.replace(/^#\s*/, '').trim());
      const creates = lines.flatMap(
        (line) =>
          /kubectl create secret generic federa-nats-credentials --from-file=(\S+)$/.exec(
            line,
          )?.[1] ?? [],
      );
      expect({ file, creates: creates.length }).toEqual({ file, creates: 1 });
      // What is copied into that directory: the services' seeds and nats-auth.conf, nothing else.
      const copied = lines.flatMap((line) => {
        const cp = /\bcp (.+) (\S+?)\/?$/.exec(line);
        return cp && cp[2] === creates[0] ? cp[1].split(/\s+/).map((f) => posix.basename(f)) : [];
      });
      expect({ file, copied: copied.sort() }).toEqual({
        file,
        copied: ['nats-auth.conf', 'service-*.nk'],
      });
    }
  });

  whenRendered(
    "give the agent its host's seed from the node and nothing but the bus URL, and /dev/kvm where asked",
    () => {
      const [plain, kvm] = renderedAgents.filter((o) => o.kind === 'DaemonSet');
      for (const daemonSet of [plain, kvm]) {
        const pod = podOf(daemonSet);
        const [agent] = pod.containers!;
        const path = agent.env?.find((e) => e.name === 'FEDERA_NATS_CREDENTIALS')?.value ?? '';
        expect(mountedFile(pod, agent, path)).toEqual(
          expect.objectContaining({
            readOnly: true,
            volume: expect.objectContaining({ hostPath: expect.anything() }),
          }),
        );
        expect(agent.envFrom ?? []).toEqual([]);
        expect(agent.env!.map((e) => e.name).sort()).toEqual([
          'FEDERA_NATS_CREDENTIALS',
          'FEDERA_NATS_URL',
        ]);
      }
      const device = (d: K8sObject) => {
        const pod = podOf(d);
        return mountedFile(pod, pod.containers![0], '/dev/kvm/')?.volume?.hostPath;
      };
      expect(device(plain)).toBeUndefined();
      expect(device(kvm)).toEqual({ path: '/dev/kvm', type: 'CharDevice' });
    },
  );

  whenRendered('hold no admin token: the gateway reads it from a mounted Secret file', () => {
    for (const objects of [...renderedOverlays.values(), renderedAgents]) {
      for (const c of workloadsOf(objects).flatMap((w) => podOf(w).containers!))
        expect({
          name: c.name,
          env: (c.env ?? []).filter((e) => e.name === 'FEDERA_API_TOKEN'),
        }).toEqual({ name: c.name, env: [] });
      expect(JSON.stringify(objects)).not.toMatch(/FEDERA_API_TOKEN[=:"]/);
    }
    for (const objects of renderedOverlays.values()) {
      const gateway = named(objects, 'Deployment', 'federa-gateway')!;
      const pod = podOf(gateway);
      const container = pod.containers![0];
      const path = container.env?.find((e) => e.name === 'FEDERA_API_TOKEN_FILE')?.value ?? '';
      expect(mountedFile(pod, container, path)?.volume?.secret?.secretName).toBe(
        'federa-admin-token',
      );
    }
  });

  whenRendered(
    "run NATS with deploy/nats/nats.conf and the credentials' auth block beside it",
    () => {
      for (const objects of renderedOverlays.values()) {
        const nats = named(objects, 'StatefulSet', 'nats')!;
        const pod = podOf(nats);
        const container = pod.containers![0];
        const confPath = container.args![container.args!.indexOf('--config') + 1];
        const conf = mountedFile(pod, container, confPath)!;
        const sources = conf.volume?.projected?.sources ?? [];
        const configMap = sources.find((s) => s.configMap)!.configMap!;
        const files = named(objects, 'ConfigMap', configMap.name)!.data!;
        // nats.conf includes federa.conf, the very file docker-compose.yml runs NATS with.
        const main = files[configMap.items!.find((i) => i.path === conf.inside)!.key];
        const included = [...main.matchAll(/^include\s+(\S+)\s*$/gm)].map((m) =>
          posix.normalize(m[1]),
        );
        expect(included).toEqual(['federa.conf', 'cluster.conf']);
        const federaConf = configMap.items!.find((i) => i.path === 'federa.conf')!.key;
        expect(files[federaConf]).toBe(read('deploy/nats/nats.conf'));
        expect(sources).toContainEqual({
          secret: {
            name: 'federa-nats-credentials',
            items: [{ key: 'nats-auth.conf', path: includedAuthBlock() }],
          },
        });
      }
    },
  );

  itWhen(problem ?? (natsServerBinary() ? undefined : 'no nats-server on this machine'))(
    'give NATS a configuration nats-server accepts, one server or three',
    () => {
      for (const [overlay, objects] of renderedOverlays) {
        const dir = mkdtempSync(join(tmpdir(), 'federa-k8s-nats-'));
        try {
          const nats = named(objects, 'StatefulSet', 'nats')!;
          const volume = podOf(nats).volumes!.find((v) => v.projected)!;
          for (const source of volume.projected!.sources) {
            for (const item of source.configMap?.items ?? []) {
              const data = named(objects, 'ConfigMap', source.configMap!.name)!.data!;
              writeFileSync(join(dir, item.path), data[item.key]);
            }
            // The Secret's auth block, as `federa credentials init` writes it: users with nkeys.
            for (const item of source.secret?.items ?? []) {
              mkdirSync(join(dir, dirname(item.path)), { recursive: true });
              writeFileSync(
                join(dir, item.path),
                'authorization { users: [ { nkey: UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4 } ] }\n',
              );
            }
          }
          const check = spawnSync(natsServerBinary()!, ['-t', '-c', join(dir, 'nats.conf')], {
            encoding: 'utf8',
            env: { ...process.env, POD_NAME: 'nats-0' },
          });
          expect({ overlay, status: check.status, output: check.stderr + check.stdout }).toEqual({
            overlay,
            status: 0,
            output: expect.stringContaining('is valid'),
          });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    },
  );
});

/** The file deploy/nats/nats.conf includes, relative to its own directory (as nats-server reads it). */
function includedAuthBlock(): string {
  const include = /^include\s+(\S+)\s*$/m.exec(read('deploy/nats/nats.conf'));
  return posix.normalize(include?.[1] ?? '-');
}

describe('docker-compose.yml', () => {
  type ComposeService = {
    image?: string;
    restart?: string;
    build?: { dockerfile: string };
    pull_policy?: string;
    command?: string[];
    environment?: Record<string, string>;
    depends_on?: string[] | Record<string, unknown>;
    volumes?: string[];
  };
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, ComposeService>;
    volumes: Record<string, unknown>;
  };
  const services = Object.entries(compose.services);
  // The one-shot `credentials` service runs a shell script, not a service's main.
  const longRunning = services.filter(([, s]) => s.restart !== 'no');
  const federaServices = longRunning.filter(([, s]) => s.image === 'federa:dev');
  const agents = longRunning.filter(([, s]) => s.image === 'federa-agent:dev');
  const credentialsScript = (compose.services.credentials?.command ?? []).join('\n');

  /** The volume and the path inside it that a container path names (`credentials`, `service-x.nk`). */
  function volumeFile(s: ComposeService, path: string) {
    for (const volume of s.volumes ?? []) {
      const [source, target, mode] = volume.split(':');
      if (path.startsWith(`${target}/`))
        return { source, file: path.slice(target.length + 1), readOnly: mode === 'ro' };
    }
    return undefined;
  }

  it('builds each image once, and runs it elsewhere without pulling it', () => {
    const byImage = new Map<string, [string, ComposeService][]>();
    for (const entry of services.filter(([, s]) => s.image?.startsWith('federa'))) {
      byImage.set(entry[1].image!, [...(byImage.get(entry[1].image!) ?? []), entry]);
    }
    expect([...byImage.keys()].sort()).toEqual(['federa-agent:dev', 'federa:dev']);
    for (const [image, users] of byImage) {
      const builders = users.filter(([, s]) => s.build);
      expect({ image, builders: builders.length }).toEqual({ image, builders: 1 });
      expect(existsSync(join(root, builders[0][1].build!.dockerfile))).toBe(true);
      for (const [name, s] of users.filter(([, s]) => !s.build))
        expect({ name, pull: s.pull_policy }).toEqual({ name, pull: 'never' });
    }
  });

  it('runs every service from its source, with variables the configuration documents', () => {
    const documented = documentedVariables();
    for (const [name, s] of longRunning.filter(([, s]) => s.image === 'federa:dev')) {
      const source = sourceOf(s.command ?? []);
      expect({ name, source: source && existsSync(join(root, source)) }).toEqual({
        name,
        source: true,
      });
      const unknown = Object.keys(s.environment ?? {}).filter((v) => !documented.has(v));
      expect({ name, unknown }).toEqual({ name, unknown: [] });
    }
  });

  it('depends on, mounts and names only what it defines or the repository holds', () => {
    for (const [name, s] of services) {
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const dep of deps)
        expect({ name, dep, known: dep in compose.services }).toEqual({ name, dep, known: true });
      for (const volume of s.volumes ?? []) {
        const source = volume.split(':')[0];
        const known = source.startsWith('./')
          ? existsSync(join(root, source))
          : source in compose.volumes;
        expect({ name, volume, known }).toEqual({ name, volume, known: true });
      }
    }
  });

  it('gives every service its own bus identity, issued by the credentials service and copied into a read-only volume of its own', () => {
    expect(federaServices.map(([name]) => name).sort()).toEqual([...SERVICES].sort());
    expect(credentialsScript).toMatch(/federa(\.js)? credentials init --dir \/credentials\b/);
    for (const [name, s] of federaServices) {
      const mounted = volumeFile(s, s.environment?.FEDERA_NATS_CREDENTIALS ?? '');
      expect({ name, readOnly: mounted?.readOnly }).toEqual({ name, readOnly: true });
      // The credentials service copies exactly that service's seed into exactly that volume.
      const target = volumeOf(compose.services.credentials, mounted!.source, 'to');
      expect(credentialsScript).toContain(
        `cp /credentials/service-${name}.nk ${target}/${mounted!.file}`,
      );
    }
  });

  it('mounts the volume holding every seed in the credentials service and NATS alone, and no volume but the shared leases in two running containers', () => {
    const issued = volumeOf(compose.services.credentials, '/credentials')!;
    const mountedBy = new Map<string, string[]>();
    for (const [name, s] of longRunning)
      for (const volume of s.volumes ?? []) {
        const source = volume.split(':')[0];
        if (!source.startsWith('./'))
          mountedBy.set(source, [...(mountedBy.get(source) ?? []), name]);
      }
    // NATS reads its auth block there; no service or agent finds another identity's seed.
    expect(mountedBy.get(issued)).toEqual(['nats']);
    // Leases hold no secret: agents renew their host's lease there and inventory reads it, to tell a
    // partitioned host from a dead one.
    const leaseReaders = mountedBy.get('leases') ?? [];
    expect(leaseReaders).toContain('inventory');
    for (const name of leaseReaders)
      expect({
        name,
        reader: name === 'inventory' || agents.some(([agent]) => agent === name),
      }).toEqual({
        name,
        reader: true,
      });
    for (const [volume, names] of mountedBy)
      if (volume !== 'leases')
        expect({ volume, names: names.length }).toEqual({ volume, names: 1 });
  });

  it("gives each agent its host's seed alone, in a volume of its own, and no database URL or token", () => {
    expect(agents.length).toBeGreaterThan(0);
    const hosts: string[] = [];
    for (const [name, s] of agents) {
      const config = (s.volumes ?? []).find((v) => v.split(':')[1] === '/etc/federa/host.yaml')!;
      const host = (parse(read(config.split(':')[0])) as { host: string }).host;
      hosts.push(host);
      const mounted = volumeFile(s, s.environment?.FEDERA_NATS_CREDENTIALS ?? '');
      expect({ name, readOnly: mounted?.readOnly }).toEqual({ name, readOnly: true });
      // The credentials service copies exactly that host's seed into exactly that volume.
      const target = volumeOf(compose.services.credentials, mounted!.source, 'to');
      expect(credentialsScript).toContain(
        `cp /credentials/agent-${host}.nk ${target}/${mounted!.file}`,
      );
      expect({ name, env: Object.keys(s.environment ?? {}).sort() }).toEqual({
        name,
        env: ['FEDERA_HEARTBEAT_MS', 'FEDERA_NATS_CREDENTIALS', 'FEDERA_NATS_URL'],
      });
    }
    expect(credentialsScript).toContain(`--hosts ${hosts.join(',')}`);
  });

  it('ships no admin token: the gateway reads the one the credentials service wrote', () => {
    for (const [name, s] of services)
      expect({ name, token: s.environment?.FEDERA_API_TOKEN }).toEqual({ name, token: undefined });
    expect(read('docker-compose.yml')).not.toMatch(/FEDERA_API_TOKEN[:=]/);
    const gateway = compose.services.gateway;
    const mounted = volumeFile(gateway, gateway.environment?.FEDERA_API_TOKEN_FILE ?? '');
    expect(mounted).toEqual(expect.objectContaining({ readOnly: true }));
    expect(credentialsScript).toMatch(/> \/credentials\/admin-token\.new$/m);
    expect(credentialsScript).toContain(
      `cp /credentials/admin-token ${volumeOf(compose.services.credentials, mounted!.source, 'to')}/${mounted!.file}`,
    );
  });

  it('starts NATS once the credentials exist, with deploy/nats/nats.conf and the auth block beside it', () => {
    const nats = compose.services.nats;
    expect(nats.depends_on).toEqual({
      credentials: { condition: 'service_completed_successfully' },
    });
    const confPath = nats.command![nats.command!.indexOf('-c') + 1];
    expect(nats.volumes).toContain(`./deploy/nats/nats.conf:${confPath}:ro`);
    const auth = posix.join(posix.dirname(confPath), includedAuthBlock());
    expect(volumeFile(nats, auth)).toEqual({
      source: 'credentials',
      file: 'nats-auth.conf',
      readOnly: true,
    });
    expect(volumeOf(compose.services.credentials, '/credentials')).toBe('credentials');
  });

  describe('its credentials service, run as on a first and a next `up`', () => {
    let dir: string | undefined;
    let server: NatsServerProcess | undefined;
    afterAll(async () => {
      await server?.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** Each named volume as a directory of `dir` (NATS's conf beside `credentials`, as it mounts it). */
    const onDisk = (volume: string, file = '') => join(dir!, 'volumes', volume, file);

    /** The script with every mount of the service at its volume's directory, the CLI from source. */
    function runCredentialsScript(): void {
      let script = compose.services.credentials.command![2];
      const mounts = (compose.services.credentials.volumes ?? [])
        .map((v) => v.split(':'))
        .sort((x, y) => y[1].length - x[1].length);
      for (const [volume, target] of mounts) {
        mkdirSync(onDisk(volume), { recursive: true });
        script = script.split(target).join(onDisk(volume));
      }
      script = script
        .split('node bin/federa.js')
        .join(`node ${join(root, 'test', 'federa-cli-child.js')}`);
      execFileSync('sh', ['-ec', script], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    }

    itWhen(natsServerBinary() ? undefined : 'no nats-server on this machine')(
      'writes the identities NATS admits with deploy/nats/nats.conf, one per service and agent, and keeps them',
      async () => {
        dir = mkdtempSync(join(tmpdir(), 'federa-compose-credentials-'));
        runCredentialsScript();
        const token = readFileSync(onDisk('credentials', 'admin-token'), 'utf8');
        const gatewaySeed = readFileSync(onDisk('credentials', 'service-gateway.nk'), 'utf8');
        runCredentialsScript();
        expect(token.length).toBeGreaterThanOrEqual(32);
        expect(readFileSync(onDisk('credentials', 'admin-token'), 'utf8')).toBe(token);
        expect(readFileSync(onDisk('credentials', 'service-gateway.nk'), 'utf8')).toBe(gatewaySeed);

        // NATS with the repository's file, the credentials volume where it mounts it.
        const nats = compose.services.nats;
        const confPath = nats.command![nats.command!.indexOf('-c') + 1];
        const auth = volumeFile(nats, posix.join(posix.dirname(confPath), includedAuthBlock()))!;
        const conf = join(dir, 'nats', posix.basename(confPath));
        mkdirSync(dirname(conf), { recursive: true });
        // Its store where the test may write, not the container's /data.
        const store = join(dir, 'nats-store');
        const shipped = read('deploy/nats/nats.conf');
        expect(shipped).toMatch(/^jetstream: \{ store_dir: \/data \}$/m);
        writeFileSync(conf, shipped.replace('store_dir: /data', `store_dir: "${store}"`));
        const authOnDisk = join(dirname(conf), includedAuthBlock());
        mkdirSync(dirname(authOnDisk), { recursive: true });
        writeFileSync(authOnDisk, readFileSync(onDisk(auth.source, auth.file)));
        server = await NatsServerProcess.start({ config: conf, jetStreamInConfig: true });

        for (const [name, s] of [...federaServices, ...agents]) {
          const mounted = volumeFile(s, s.environment!.FEDERA_NATS_CREDENTIALS)!;
          const nc = await connect({
            servers: server.url,
            authenticator: credentialsAuthenticator(onDisk(mounted.source, mounted.file)),
            reconnect: false,
          }).catch((error: Error) => {
            throw new Error(`${name} is refused: ${error.message}`);
          });
          await nc.flush();
          await nc.close();
        }
        await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow(
          /AUTHORIZATION_VIOLATION|Authorization Violation/i,
        );
      },
    );
  });

  /** `to`: where a service mounts volume `name`; `from` (default): which volume it mounts at `path`. */
  function volumeOf(
    s: ComposeService,
    key: string,
    way: 'from' | 'to' = 'from',
  ): string | undefined {
    for (const volume of s.volumes ?? []) {
      const [source, target] = volume.split(':');
      if (way === 'from' && target === key) return source;
      if (way === 'to' && source === key) return target;
    }
    return undefined;
  }
});
