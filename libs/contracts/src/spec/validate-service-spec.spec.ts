import { validateServiceSpec } from './validate-service-spec';

function app(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    layer: 'process',
    artifact: { command: ['node', `${name}.js`] },
    resources: { cpu: '250m', memory: '64Mi' },
    ...extra,
  };
}

function spec(
  applications: unknown[],
  more: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name: 'shop' },
    spec: { applications, ...more },
  };
}

function errorsOf(plain: unknown): Array<{ path: string; reason: string }> {
  const result = validateServiceSpec(plain);
  if (result.ok) throw new Error('expected the spec to be refused');
  return result.errors;
}

describe('validateServiceSpec', () => {
  it('accepts a minimal spec', () => {
    expect(validateServiceSpec(spec([app('web')])).ok).toBe(true);
  });

  it('lists every mistake of a spec with several, each at its path', () => {
    const errors = errorsOf({
      apiVersion: 'federa/v1',
      kind: 'Service',
      metadata: { name: 'Shop!' },
      spec: {
        applications: [
          app('web', { replicas: { min: 3, max: 2 }, dependsOn: ['db', 'cache'] }),
          app('db', { layer: 'docker', resources: { cpu: 'lots', memory: '1Gi', disk: '1Gi' } }),
          app('web'),
        ],
        rules: [{ antiAffinity: ['web', 'ghost'] }, { spread: { over: 'site', apps: ['nope'] } }],
        budget: { maxCostPerHour: 'cheap' },
      },
      status: {},
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'status', reason: 'unknown key' },
        { path: 'metadata.name', reason: expect.stringContaining('[a-z0-9-]{1,63}') },
        {
          path: 'spec.applications[1].layer',
          reason: expect.stringContaining('qemu, libvirt, process, sim'),
        },
        {
          path: 'spec.applications[1].resources.cpu',
          reason: expect.stringContaining('expected a cpu quantity'),
        },
        { path: 'spec.applications[1].resources.disk', reason: 'unknown key' },
        { path: 'spec.budget.maxCostPerHour', reason: expect.stringContaining('money rate') },
        { path: 'spec.applications[0].replicas', reason: 'min (3) must not exceed max (2)' },
        { path: 'spec.applications[0].dependsOn[1]', reason: 'unknown application "cache"' },
        {
          path: 'spec.applications[2].name',
          reason: expect.stringContaining('duplicate application name "web"'),
        },
        { path: 'spec.rules[0].antiAffinity[1]', reason: 'unknown application "ghost"' },
        { path: 'spec.rules[1].spread.apps[0]', reason: 'unknown application "nope"' },
      ]),
    );
    expect(errors).toHaveLength(11);
  });

  it('rejects unknown keys at any depth', () => {
    const errors = errorsOf(
      spec([app('web', { health: { http: { path: '/h', verb: 'GET' } }, colour: 'blue' })], {
        extra: 1,
      }),
    );
    expect(errors.map((e) => e.path).sort()).toEqual([
      'spec.applications[0].colour',
      'spec.applications[0].health.http.verb',
      'spec.extra',
    ]);
    expect(errors.every((e) => e.reason === 'unknown key')).toBe(true);
  });

  it('accepts the memory and disk size of a qemu virtual machine', () => {
    const vm = app('vm', {
      layer: 'qemu',
      artifact: { image: '/images/base.qcow2', memoryMiB: 512, diskSize: '2Gi' },
    });
    expect(validateServiceSpec(spec([vm])).ok).toBe(true);
  });

  it('refuses a virtual machine memory outside 16..1048576 MiB and a disk size the qemu layer cannot read, naming each field', () => {
    const vm = (name: string, artifact: Record<string, unknown>) =>
      app(name, { layer: 'qemu', artifact });
    const errors = errorsOf(
      spec([
        vm('a', { memoryMiB: 8, diskSize: '2GB' }),
        vm('b', { memoryMiB: 1_048_577, diskSize: '0Gi' }),
        vm('c', { memoryMiB: 64.5, diskSize: 2048 }),
      ]),
    );
    expect([...new Set(errors.map((e) => e.path))].sort()).toEqual([
      'spec.applications[0].artifact.diskSize',
      'spec.applications[0].artifact.memoryMiB',
      'spec.applications[1].artifact.diskSize',
      'spec.applications[1].artifact.memoryMiB',
      'spec.applications[2].artifact.diskSize',
      'spec.applications[2].artifact.memoryMiB',
    ]);
  });

  it('names a dependency cycle', () => {
    const errors = errorsOf(
      spec([
        app('a', { dependsOn: ['b'] }),
        app('b', { dependsOn: ['c'] }),
        app('c', { dependsOn: ['a'] }),
      ]),
    );
    expect(errors).toEqual([
      { path: 'spec.applications[0].dependsOn', reason: 'dependency cycle: a → b → c → a' },
    ]);
  });

  it('counts an application depending on itself as a cycle', () => {
    expect(errorsOf(spec([app('a', { dependsOn: ['a'] })]))).toEqual([
      { path: 'spec.applications[0].dependsOn', reason: 'dependency cycle: a → a' },
    ]);
  });

  it('refuses scaleInBelow at or above scaleOutAbove', () => {
    const scaling = { metric: 'load', scaleOutAbove: 0.5, scaleInBelow: 0.5 };
    expect(errorsOf(spec([app('web', { scaling })]))).toEqual([
      {
        path: 'spec.applications[0].scaling.scaleInBelow',
        reason: 'must be below scaleOutAbove (0.5), got 0.5',
      },
    ]);
  });

  it('refuses a rule with both or neither of antiAffinity and spread', () => {
    const errors = errorsOf(
      spec([app('web')], {
        rules: [{}, { antiAffinity: ['web'], spread: { over: 'site', apps: ['web'] } }],
      }),
    );
    expect(errors).toEqual([
      { path: 'spec.rules[0]', reason: 'give exactly one of antiAffinity or spread' },
      { path: 'spec.rules[1]', reason: 'give exactly one of antiAffinity or spread' },
    ]);
  });

  it('requires a command for the process layer and one probe at most', () => {
    const errors = errorsOf(
      spec([{ ...app('web', { health: { http: { path: '/h' }, tcp: {} } }), artifact: undefined }]),
    );
    expect(errors).toEqual([
      { path: 'spec.applications[0].health', reason: 'give one probe: http or tcp, not both' },
      { path: 'spec.applications[0].artifact.command', reason: 'required for the process layer' },
    ]);
  });

  it('reports missing required fields and wrong types', () => {
    const errors = errorsOf({
      apiVersion: 'federa/v2',
      spec: { applications: [{ name: 'web', layer: 'sim', resources: 'big' }] },
    });
    const paths = errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'spec.applications[0].resources']),
    );
  });

  it('refuses something that is not an object at all', () => {
    expect(errorsOf('apiVersion: federa/v1')).toEqual([{ path: '', reason: 'must be an object' }]);
  });
});
