import { readFileSync } from 'fs';
import { join } from 'path';
import { parseServiceSpec } from './parse-service-spec';

const shopYaml = readFileSync(join(__dirname, '../../../../examples/shop.yaml'), 'utf8');

describe('parseServiceSpec', () => {
  it('accepts examples/shop.yaml', () => {
    const result = parseServiceSpec(shopYaml);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.value.spec.metadata.name).toBe('shop');
    expect(result.value.spec.spec.applications.map((a) => a.name)).toEqual([
      'catalog-db',
      'payment',
      'web',
    ]);
  });

  it('normalises shop.yaml to numbers with defaults filled', () => {
    const result = parseServiceSpec(shopYaml);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const shop = result.value.normalised;
    const [db, payment, web] = shop.applications;

    expect(shop.startOrder).toEqual(['catalog-db', 'payment', 'web']);
    expect(shop.budget).toEqual({ maxCostPerHour: 5 });
    expect(shop.rules).toEqual([
      { kind: 'antiAffinity', apps: ['web'] },
      { kind: 'antiAffinity', apps: ['payment', 'web'] },
    ]);
    expect(db.resources).toEqual({
      cpuMillis: 500,
      memoryBytes: 256 * 2 ** 20,
      storageBytes: 20 * 2 ** 30,
      bandwidthBps: 0,
    });
    expect(db.placement).toEqual({
      emphasis: 'storage',
      minSecurityLevel: 0,
      sites: null,
      relocatable: true,
    });
    expect(db.data).toEqual({ path: 'data', sizeBytes: 20 * 2 ** 30 });
    expect(db.scaling).toBeNull();
    expect(db.health).toEqual({
      probe: { kind: 'http', path: '/healthz' },
      intervalMs: 1000,
      failureThreshold: 3,
    });

    expect(payment.placement).toEqual({
      emphasis: null,
      minSecurityLevel: 3,
      sites: null,
      relocatable: false,
    });
    expect(payment.dependsOn).toEqual(['catalog-db']);
    expect(payment.data).toEqual({ path: 'data', sizeBytes: 2 ** 30 });

    expect(web.resources.bandwidthBps).toBe(200e6);
    expect(web.replicas).toEqual({ min: 2, max: 5 });
    expect(web.scaling).toEqual({
      metric: 'load',
      scaleOutAbove: 0.75,
      scaleInBelow: 0.25,
      cooldownMs: 30000,
    });
    expect(web.artifact).toEqual({ command: ['node', 'examples/apps/web.js'] });
  });

  it('fills the documented defaults for an application that gives only what is required', () => {
    const result = parseServiceSpec(
      'apiVersion: federa/v1\nkind: Service\nmetadata: { name: s }\nspec:\n  applications:\n    - { name: a, layer: sim, resources: { cpu: 1, memory: 1Gi } }\n',
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const [a] = result.value.normalised.applications;
    expect(a.replicas).toEqual({ min: 1, max: 1 });
    expect(a.health).toEqual({ probe: { kind: 'none' }, intervalMs: 1000, failureThreshold: 3 });
    expect(a.placement.relocatable).toBe(true);
    expect(a.placement.minSecurityLevel).toBe(0);
    expect(a.resources).toEqual({
      cpuMillis: 1000,
      memoryBytes: 2 ** 30,
      storageBytes: 0,
      bandwidthBps: 0,
    });
  });

  it('reads JSON too, guessing the format from the first character', () => {
    const json = JSON.stringify({
      apiVersion: 'federa/v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { applications: [{ name: 'a', layer: 'sim', resources: { cpu: '1', memory: '1Gi' } }] },
    });
    expect(parseServiceSpec(json).ok).toBe(true);
    expect(parseServiceSpec(json, 'json').ok).toBe(true);
  });

  it('names the line and column of a YAML syntax error', () => {
    const result = parseServiceSpec(
      'apiVersion: federa/v1\nkind: Service\nmetadata: { name: shop\n',
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors[0].reason).toMatch(/^YAML syntax error at line \d+, column \d+: /);
  });

  it('refuses duplicate YAML keys rather than keeping the last', () => {
    const result = parseServiceSpec('apiVersion: federa/v1\nkind: Service\nkind: Service\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0].reason).toContain('line 3, column 1');
  });

  it('names the line and column of a JSON syntax error', () => {
    const result = parseServiceSpec('{\n  "apiVersion": "federa/v1",\n  "kind": }', 'json');
    expect(result).toEqual({
      ok: false,
      stage: 'syntax',
      errors: [
        { path: '', reason: expect.stringMatching(/^JSON syntax error at line 3, column 11: /) },
      ],
    });
  });

  it('lists validation errors of a YAML spec with their paths', () => {
    const result = parseServiceSpec(
      shopYaml.replace('layer: process', 'layer: docker').replace('cpu: 250m', 'cpu: 250x'),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.path)).toEqual([
        'spec.applications[0].layer',
        'spec.applications[1].resources.cpu',
      ]);
    }
  });

  it('reads a document already parsed (a JSON request body) the same way as its text', () => {
    const fromText = parseServiceSpec(shopYaml);
    if (!fromText.ok) throw new Error(JSON.stringify(fromText.errors));
    const fromDocument = parseServiceSpec(JSON.parse(JSON.stringify(fromText.value.spec)));
    if (!fromDocument.ok) throw new Error(JSON.stringify(fromDocument.errors));
    expect(fromDocument.value.normalised).toEqual(fromText.value.normalised);
  });

  it('refuses a document that is not an object, at the root', () => {
    expect(parseServiceSpec(['not', 'a', 'spec'])).toMatchObject({
      ok: false,
      stage: 'spec',
      errors: [{ path: '', reason: 'must be an object' }],
    });
  });

  it('says a refusal came from the spec, not its syntax, and hands back the document it read', () => {
    const result = parseServiceSpec(
      'apiVersion: federa/v1\nkind: Service\nmetadata: { name: s }\n',
    );
    expect(result).toMatchObject({
      ok: false,
      stage: 'spec',
      errors: [{ path: 'spec', reason: 'is required' }],
      document: { apiVersion: 'federa/v1', kind: 'Service', metadata: { name: 's' } },
    });
  });

  it('lists shape errors and cross-field errors together, each with its path', () => {
    const result = parseServiceSpec(
      shopYaml
        .replace('cpu: 250m', 'cpu: 250x')
        .replace('dependsOn: [catalog-db]', 'dependsOn: [nowhere]'),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => `${e.path}: ${e.reason}`)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^spec\.applications\[1\]\.resources\.cpu: /),
          expect.stringMatching(/dependsOn\[0\]: unknown application "nowhere"/),
        ]),
      );
    }
  });

  it('keeps data.backupEveryMs, and refuses one under 10 s or not a whole number naming the field', () => {
    const app = (data: string) =>
      `apiVersion: federa/v1\nkind: Service\nmetadata: { name: s }\nspec:\n  applications:\n    - { name: a, layer: sim, resources: { cpu: 1, memory: 1Gi }, data: ${data} }\n`;
    const kept = parseServiceSpec(app('{ path: d, backupEveryMs: 60000 }'));
    if (!kept.ok) throw new Error(JSON.stringify(kept.errors));
    expect(kept.value.normalised.applications[0].data).toEqual({
      path: 'd',
      sizeBytes: null,
      backupEveryMs: 60000,
    });
    for (const wrong of ['500', '15000.5', '"1m"']) {
      const refused = parseServiceSpec(app(`{ path: d, backupEveryMs: ${wrong} }`));
      expect(refused).toMatchObject({
        ok: false,
        errors: expect.arrayContaining([
          expect.objectContaining({ path: 'spec.applications[0].data.backupEveryMs' }),
        ]),
      });
    }
  });

  it('reads a YAML flow mapping that starts like JSON when no format is given', () => {
    const flow =
      '{ apiVersion: federa/v1, kind: Service, metadata: { name: s }, spec: { applications: [{ name: a, layer: sim, resources: { cpu: 1, memory: 1Gi } }] } }';
    expect(parseServiceSpec(flow).ok).toBe(true);
    expect(parseServiceSpec(flow, 'json')).toMatchObject({ ok: false, stage: 'syntax' });
  });
});
