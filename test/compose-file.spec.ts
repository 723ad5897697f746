import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020';
import picomatch from 'picomatch';
import { parse } from 'yaml';
import { DEFAULT_LEASE_DIR, validateServiceSpec } from '@federa/contracts';
import { loadHostConfig } from '../services/agent/src';

// Neither Docker nor `docker compose config` is at hand here or in CI: docker-compose.yml is checked
// against the Compose Specification's own schema (the one `docker compose` validates with, kept in
// test/compose-spec/), and for what the schema cannot see: health checks, start order, profiles,
// the shared lease volume, the admin token, the Dockerfiles and what `docker build` is sent.

const root = join(__dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const run = promisify(execFile);

type Healthcheck = { test?: string[] | string; disable?: boolean };
type Service = {
  image?: string;
  build?: { context: string; dockerfile: string };
  restart?: string;
  profiles?: string[];
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  volumes?: string[];
  devices?: string[];
  privileged?: boolean;
  ports?: string[];
  working_dir?: string;
  healthcheck?: Healthcheck;
};

const text = read('docker-compose.yml');
/** As Compose reads it: anchors resolved, `<<` merged. */
const compose = parse(text, { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = Object.entries(compose.services);
/** Containers that run once per `up` and exit. */
const oneShot = (s: Service) => s.restart === 'no';
const longRunning = services.filter(([, s]) => !oneShot(s));
const agents = services.filter(([, s]) => s.image === 'federa-agent:dev');
/** The services `docker compose --profile …` starts: those of no profile, and of the ones named. */
const activeWith = (...profiles: string[]) =>
  services.filter(([, s]) => !s.profiles || s.profiles.some((p) => profiles.includes(p)));

const dependencies = (s: Service): Record<string, { condition?: string }> =>
  Array.isArray(s.depends_on)
    ? Object.fromEntries(s.depends_on.map((d) => [d, {}]))
    : (s.depends_on ?? {});

/** Every service `name` waits for, directly or through others. */
function dependencyClosure(name: string, seen = new Set<string>()): Set<string> {
  for (const dep of Object.keys(dependencies(compose.services[name]))) {
    if (seen.has(dep)) continue;
    seen.add(dep);
    dependencyClosure(dep, seen);
  }
  return seen;
}

/** The named volume a service mounts at `target`, and whether read-only. */
function mountAt(s: Service, target: string) {
  for (const volume of s.volumes ?? []) {
    const [source, at, mode] = volume.split(':');
    if (at === target) return { source, readOnly: mode === 'ro' };
  }
  return undefined;
}

/** The script of a `sh -ec SCRIPT` command. */
const scriptOf = (s: Service) => (s.command?.[0] === 'sh' ? (s.command[2] ?? '') : '');

describe('docker-compose.yml', () => {
  it('is a valid Compose file by the Compose Specification schema', () => {
    const schema = JSON.parse(read('test/compose-spec/compose-spec.json')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false, validateSchema: false }).compile(
      schema,
    );
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The schema does refuse what Compose refuses: a misspelt key.
    const misspelt = structuredClone(compose) as { services: Record<string, object> };
    misspelt.services.gateway = { ...misspelt.services.gateway, helthcheck: {} };
    expect(validate(misspelt)).toBe(false);
  });

  it('asks Compose for no variable: every $ is escaped as $$', () => {
    // Compose substitutes ${X} and $X everywhere before anything else; an unset one silently
    // becomes empty. The file needs none, so a lone $ is a mistake.
    const lone = text
      .split('\n')
      .filter((line) => /(^|[^$])\$([^$]|$)/.test(line.replace(/\$\$/g, '')));
    expect(lone).toEqual([]);
  });

  it('runs one-shot scripts that sh can parse, once Compose has turned $$ into $', async () => {
    const scripts = services.filter(([, s]) => scriptOf(s));
    expect(scripts.map(([name]) => name).sort()).toEqual(['credentials', 'demo']);
    for (const [name, s] of scripts) {
      const script = scriptOf(s).replace(/\$\$/g, '$');
      await expect(run('sh', ['-n', '-c', script]).then(() => name)).resolves.toBe(name);
    }
  });

  it('gives every long-running container a health check, and every one-shot none', () => {
    for (const [name, s] of longRunning) {
      const test = s.healthcheck?.test;
      const usable = !s.healthcheck?.disable && Array.isArray(test) && test[0] !== 'NONE';
      expect({ name, healthcheck: usable }).toEqual({ name, healthcheck: true });
    }
    for (const [name, s] of services.filter(([, s]) => oneShot(s)))
      expect({ name, healthcheck: s.healthcheck }).toEqual({ name, healthcheck: undefined });
  });

  it('starts each container once what it depends on is healthy, or has run to success', () => {
    for (const [name, s] of services) {
      for (const [dep, { condition }] of Object.entries(dependencies(s))) {
        const target = compose.services[dep];
        expect({ name, dep, known: Boolean(target) }).toEqual({ name, dep, known: true });
        const expected = oneShot(target) ? 'service_completed_successfully' : 'service_healthy';
        expect({ name, dep, condition }).toEqual({ name, dep, condition: expected });
        // A service outside a profile cannot wait for one that only a profile starts.
        if (!s.profiles)
          expect({ name, dep, profiles: target.profiles }).toEqual({
            name,
            dep,
            profiles: undefined,
          });
      }
      expect({ name, cycle: dependencyClosure(name).has(name) }).toEqual({ name, cycle: false });
    }
  });

  it('hands /dev/kvm only to containers of the kvm profile, which has an agent to use it', () => {
    const mentionsKvm = (s: Service) =>
      [...(s.devices ?? []), ...(s.volumes ?? [])].some((v) => v.includes('/dev/kvm'));
    for (const [name, s] of services) {
      expect({ name, privileged: s.privileged }).toEqual({ name, privileged: undefined });
      if (mentionsKvm(s))
        expect({ name, profiles: s.profiles }).toEqual({ name, profiles: ['kvm'] });
    }
    const kvmAgents = agents.filter(([, s]) => mentionsKvm(s));
    expect(kvmAgents.length).toBeGreaterThan(0);
    expect(activeWith().filter(([, s]) => mentionsKvm(s))).toEqual([]);
  });

  it('ships no admin token: one is generated on the first up, before the gateway starts', () => {
    for (const [name, s] of services)
      expect({ name, token: s.environment?.FEDERA_API_TOKEN }).toEqual({ name, token: undefined });
    expect(text).not.toMatch(/FEDERA_API_TOKEN\s*[:=]/);
    const gateway = compose.services.gateway;
    const file = gateway.environment?.FEDERA_API_TOKEN_FILE ?? '';
    const dir = file.slice(0, file.lastIndexOf('/'));
    const volume = mountAt(gateway, dir);
    expect(volume).toEqual(expect.objectContaining({ readOnly: true }));
    // The one-shot that writes it into that volume runs before the gateway, and writes a random one
    // only when there is none, so that it stays across `up`s.
    const writers = services.filter(
      ([, s]) => oneShot(s) && (s.volumes ?? []).some((v) => v.startsWith(`${volume!.source}:`)),
    );
    expect(writers.map(([name]) => name)).toEqual(['credentials']);
    expect(dependencyClosure('gateway').has('credentials')).toBe(true);
    const script = scriptOf(compose.services.credentials);
    expect(script).toMatch(/if \[ ! -s \/credentials\/admin-token \]; then/);
    expect(script).toContain("randomBytes(32).toString('base64url')");
  });

  it('shares one lease volume between inventory and every agent, where each reads and writes it', () => {
    const inventory = mountAt(compose.services.inventory, DEFAULT_LEASE_DIR);
    expect(inventory?.source).toBeDefined();
    expect(compose.volumes).toHaveProperty(inventory!.source);
    expect(compose.services.inventory.environment?.FEDERA_LEASE_DIR).toBeUndefined();
    expect(agents.length).toBeGreaterThan(0);
    for (const [name, s] of agents) {
      expect({ name, dir: s.environment?.FEDERA_LEASE_DIR }).toEqual({ name, dir: undefined });
      expect({ name, lease: mountAt(s, DEFAULT_LEASE_DIR) }).toEqual({
        name,
        lease: { source: inventory!.source, readOnly: false },
      });
    }
  });

  it("gives each agent a host.yaml the agent accepts, addressed by its service's name", async () => {
    const hosts = new Set<string>();
    for (const [name, s] of agents) {
      const [source, , mode] = (s.volumes ?? [])
        .map((v) => v.split(':'))
        .find(([, target]) => target === '/etc/federa/host.yaml')!;
      expect({ name, mode }).toEqual({ name, mode: 'ro' });
      const config = await loadHostConfig(join(root, source));
      expect({ name, address: config.address }).toEqual({ name, address: name });
      hosts.add(config.host);
    }
    expect(hosts.size).toBe(agents.length);
  });

  describe('health checks, run as Docker runs them', () => {
    const servers: Server[] = [];
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'federa-compose-health-'));
    });
    afterAll(async () => {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
      rmSync(dir, { recursive: true, force: true });
    });

    /** The port of a new local server whose /readyz answers `status`. */
    async function readyz(status: number): Promise<string> {
      const server = createServer((req, res) => {
        res.statusCode = req.url === '/readyz' ? status : 404;
        res.end();
      });
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return String((server.address() as AddressInfo).port);
    }

    /** Runs a `CMD node -e SCRIPT` health check; resolves to its exit code. */
    async function exitCode(
      check: Healthcheck,
      env: NodeJS.ProcessEnv,
      replace = (t: string) => t,
    ) {
      const test = check.test as string[];
      expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
      try {
        await run(process.execPath, ['-e', replace(test[3])], { env, timeout: 5000 });
        return 0;
      } catch (error) {
        return (error as { code?: number }).code;
      }
    }

    it("pass on a service's /readyz answering 200, and fail on a 503 or no answer", async () => {
      const check = compose.services.inventory.healthcheck!;
      const [ok, unavailable] = await Promise.all([readyz(200), readyz(503)]);
      const codes = await Promise.all(
        [ok, unavailable, '1'].map((port) => exitCode(check, { FEDERA_METRICS_PORT: port })),
      );
      expect(codes).toEqual([0, 1, 1]);
      // The gateway's asks its API port, the one it publishes.
      expect(compose.services.gateway.ports).toEqual(['8080:8080']);
      expect(compose.services.gateway.healthcheck!.test).toContain(
        "fetch('http://127.0.0.1:8080/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
      );
    });

    it("pass on an agent whose host's lease is fresh, and fail on a stale or missing one", async () => {
      const [, agent] = agents[0];
      const hostYaml = join(root, agent.volumes![0].split(':')[0]);
      const host = (parse(readFileSync(hostYaml, 'utf8')) as { host: string }).host;
      /** The check with host.yaml where it is here and the lease directory `leases`. */
      const check = (leases: string) =>
        exitCode(agent.healthcheck!, {}, (t) =>
          t
            .replace('/etc/federa/host.yaml', hostYaml)
            .replace(`${DEFAULT_LEASE_DIR}/`, `${leases}/`),
        );
      const lease = (name: string, renewedAt: number) => {
        mkdirSync(join(dir, name));
        writeFileSync(
          join(dir, name, `${host}.lease`),
          JSON.stringify({ host, epoch: 1, renewedAt }),
        );
        return join(dir, name);
      };
      const codes = await Promise.all([
        check(join(dir, 'none')),
        check(lease('fresh', Date.now())),
        check(lease('stale', Date.now() - 60_000)),
      ]);
      expect(codes).toEqual([1, 0, 1]);
    });
  });

  describe('its demo profile', () => {
    const demo = compose.services.demo;
    const script = scriptOf(demo);

    it('is a one-shot of the demo profile that waits for the gateway and every agent it starts', () => {
      expect(demo.profiles).toEqual(['demo']);
      expect(oneShot(demo)).toBe(true);
      const waitsFor = Object.keys(dependencies(demo)).sort();
      const running = activeWith('demo')
        .filter(([, s]) => s.image === 'federa-agent:dev')
        .map(([name]) => name);
      expect(waitsFor).toEqual(['gateway', ...running].sort());
      // It waits for as many ready hosts as the profile runs agents.
      expect(script).toContain(`-ge ${running.length} ]`);
      // The CLI reads its token from ./.federa/token in its working directory, copied there alone.
      const volume = mountAt(demo, `${demo.working_dir}/.federa`);
      expect(volume).toEqual(expect.objectContaining({ readOnly: true }));
      expect(scriptOf(compose.services.credentials)).toContain(
        `cp /credentials/admin-token ${
          (compose.services.credentials.volumes ?? [])
            .find((v) => v.startsWith(`${volume!.source}:`))!
            .split(':')[1]
        }/token`,
      );
    });

    it('applies the shop of examples/shop.yaml, its apps listening where other containers reach them, and deploys it', async () => {
      const transform = /node -e "([\s\S]*?)" > \/tmp\/shop\.json/.exec(script)![1];
      const { stdout } = await run(process.execPath, ['-e', transform], { cwd: root });
      const spec = validateServiceSpec(JSON.parse(stdout));
      expect(spec.ok).toBe(true);
      const shop = parse(read('examples/shop.yaml')) as {
        spec: { applications: { name: string }[] };
      };
      const applications = spec.ok ? spec.value.spec.applications : [];
      expect(applications.map((a) => a.name)).toEqual(shop.spec.applications.map((a) => a.name));
      for (const app of applications)
        expect({ app: app.name, host: app.artifact?.env?.HOST }).toEqual({
          app: app.name,
          host: '0.0.0.0',
        });
      expect(script).toContain('node bin/federa.js apply -f /tmp/shop.json');
      expect(script).toContain('node bin/federa.js deploy shop');
    });
  });
});

describe('the images', () => {
  const builds = services.filter(([, s]) => s.build).map(([name, s]) => ({ name, ...s.build! }));
  const patterns = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const keep = line.startsWith('!');
      const pattern = (keep ? line.slice(1) : line).replace(/^\/+/, '');
      return { keep, matches: picomatch(pattern, { dot: true }) };
    });
  /**
   * Whether `docker build` leaves `path` (relative to the context) out, by .dockerignore's rules: a
   * pattern is anchored at the context's root and matches the path or a directory above it, and the
   * last pattern that matches decides (`!` keeps).
   */
  const ignored = (path: string): boolean => {
    const parts = path.split('/');
    const selfAndParents = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let out = false;
    for (const { keep, matches } of patterns)
      if (selfAndParents.some((p) => matches(p))) out = !keep;
    return out;
  };

  it("keep out of the build what would override the image's own install or leak local secrets, at any depth", () => {
    const leftOut = [
      'node_modules/nats/package.json',
      'dist/services/gateway/src/main.js',
      '.git/HEAD',
      '.federa/admin-token',
      'deploy/.federa/federa.db',
      '.env',
      'examples/.env',
      'agent-h.nk',
      'deploy/x.nk',
      'some/dir/agent-h.nk',
      'federa-credentials/service-gateway.nk',
      'deploy/federa-credentials/nats-auth.conf',
      'cluster-credentials/nats-auth.conf',
      'deploy/kubernetes/cluster-credentials/nats-auth.conf',
      'admin-token',
      'deploy/admin-token',
      'bin/admin-token',
    ];
    const sent = [
      'package.json',
      'package-lock.json',
      'bin/federa.js',
      'deploy/nats/nats.conf',
      'examples/shop.yaml',
      'services/gateway/src/api/tokens/tokens.controller.ts',
    ];
    expect(leftOut.filter((path) => !ignored(path))).toEqual([]);
    expect(sent.filter((path) => ignored(path))).toEqual([]);
  });

  it('install their dependencies with npm ci from the lock file, and copy only what exists', () => {
    expect(builds.map((b) => b.context)).toEqual(builds.map(() => '.'));
    for (const { dockerfile } of builds) {
      const lines = read(dockerfile).split('\n');
      const copies = lines.filter((l) => l.startsWith('COPY '));
      const npmCi = lines.findIndex((l) => /^RUN npm ci\b/.test(l));
      expect({ dockerfile, npmCi: npmCi >= 0 }).toEqual({ dockerfile, npmCi: true });
      // The lock file first (so that the install is cached while it is unchanged), the sources after.
      expect(lines.findIndex((l) => l === 'COPY package.json package-lock.json ./')).toBeLessThan(
        npmCi,
      );
      expect(lines.findIndex((l) => l === 'COPY . .')).toBeGreaterThan(npmCi);
      for (const copy of copies) {
        const [, ...args] = copy.split(/\s+/);
        const fromStage = args[0].startsWith('--from=');
        const sources = args.filter((a) => !a.startsWith('--')).slice(0, -1);
        for (const source of sources) {
          // A stage's /app/<x>: built there (dist, the pruned node_modules) or copied from here.
          const path = fromStage ? source.replace(/^\/app\//, '') : source;
          const built = fromStage && ['dist', 'node_modules'].includes(path);
          const present = path === '.' || (existsSync(join(root, path)) && !ignored(path));
          expect({ dockerfile, copy, path, ok: built || present }).toEqual({
            dockerfile,
            copy,
            path,
            ok: true,
          });
        }
      }
    }
  });
});
