import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

// deploy/kubernetes and docker-compose.yml cannot be applied here (no cluster, no Docker): they are
// validated offline instead, the Kubernetes objects against the Kubernetes API's own schemas
// (kubernetes-models), and every command, file and variable they name against this repository.

const root = join(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

type Container = {
  name: string;
  image: string;
  args?: string[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
};
type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: { template?: { spec?: { containers?: Container[] } } };
};

/** Schema errors of each object, from kubernetes-models (an ES module: run in a child process). */
function schemaErrors(objects: K8sObject[]): string[] {
  const script = `
    import * as core from 'kubernetes-models/v1';
    import * as apps from 'kubernetes-models/apps/v1';
    const models = { 'v1': core, 'apps/v1': apps };
    const objects = JSON.parse(await new Promise((resolve) => {
      let text = '';
      process.stdin.on('data', (chunk) => (text += chunk)).on('end', () => resolve(text));
    }));
    const errors = [];
    for (const o of objects) {
      const Model = models[o.apiVersion]?.[o.kind];
      if (!Model) { errors.push(o.kind + ' ' + o.metadata.name + ': no schema for ' + o.apiVersion); continue; }
      try { new Model(o).validate(); } catch (e) { errors.push(o.kind + ' ' + o.metadata.name + ': ' + e.message); }
    }
    process.stdout.write(JSON.stringify(errors));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    input: JSON.stringify(objects),
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
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

describe('the Kubernetes manifests', () => {
  const objects = parseAllDocuments(read('deploy/kubernetes/federa.yaml')).map(
    (d) => d.toJS() as K8sObject,
  );
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const containers = deployments.flatMap((d) => d.spec?.template?.spec?.containers ?? []);

  it('are valid Kubernetes objects by the API schemas', () => {
    expect(objects.length).toBeGreaterThan(7);
    expect(schemaErrors(objects)).toEqual([]);
  });

  it('catch an invalid object (the validation is real)', () => {
    const broken = structuredClone(deployments[0]);
    (broken.spec!.template!.spec!.containers![0] as unknown as { image: number }).image = 3;
    expect(schemaErrors([broken])).toEqual([expect.stringContaining('image must be string')]);
  });

  it('run every service from its source, with requests and limits of CPU and memory', () => {
    for (const c of containers) {
      expect({
        name: c.name,
        source: existsSync(join(root, sourceOf(c.args ?? []) ?? '-')),
      }).toEqual({ name: c.name, source: true });
      for (const bound of ['requests', 'limits'] as const)
        expect({ name: c.name, [bound]: Object.keys(c.resources?.[bound] ?? {}).sort() }).toEqual({
          name: c.name,
          [bound]: ['cpu', 'memory'],
        });
    }
    const services = new Set(containers.map((c) => c.name));
    for (const service of [
      'gateway',
      'relay',
      'inventory',
      'placement',
      'supervision',
      'migration',
      'statistics',
    ])
      expect(services).toContain(service);
  });

  it('name one image placeholder that the kustomization replaces with a pullable one', () => {
    expect(new Set(containers.map((c) => c.image))).toEqual(new Set(['federa']));
    const kustomization = parse(read('deploy/kubernetes/kustomization.yaml')) as {
      resources: string[];
      images: { name: string; newName: string; newTag: string }[];
    };
    expect(kustomization.resources).toEqual(['federa.yaml']);
    expect(kustomization.images).toEqual([
      expect.objectContaining({ name: 'federa', newName: expect.stringContaining('/') }),
    ]);
  });
});

describe('docker-compose.yml', () => {
  type ComposeService = {
    image?: string;
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
    for (const [name, s] of services.filter(([, s]) => s.image === 'federa:dev')) {
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
});
