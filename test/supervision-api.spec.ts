import type { ClassConstructor } from 'class-transformer';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServicePage, ServiceSummary, validatePayload, type FieldError } from '@federa/contracts';
import { startControlPlane, type ControlPlane } from './supervision-harness';

const shopYaml = readFileSync(join(__dirname, '..', 'examples', 'shop.yaml'), 'utf8');

/** How an answer departs from its contract class: nothing when it conforms. */
function contractErrors<T extends object>(cls: ClassConstructor<T>, body: unknown): FieldError[] {
  const checked = validatePayload(cls, body);
  return checked.ok ? [] : checked.errors;
}

describe('services through the gateway', () => {
  let plane: ControlPlane;

  beforeAll(async () => {
    plane = await startControlPlane('supervision_api');
  });

  afterAll(async () => {
    await plane?.close();
  });

  it('applies a YAML spec, stores it as ServiceDefined, and shows it defined with its applications', async () => {
    const applied = await plane.call('PUT', '/v1/services/shop', shopYaml, 'application/yaml');
    expect(applied.status).toBe(200);
    expect(applied.json).toMatchObject({ name: 'shop', state: 'defined', revision: 1 });

    const got = await plane.call('GET', '/v1/services/shop');
    expect(got.status).toBe(200);
    expect(got.json.startOrder).toEqual(['catalog-db', 'payment', 'web']);
    expect(got.json.applications.map((a: { name: string }) => a.name)).toEqual([
      'catalog-db',
      'payment',
      'web',
    ]);
    expect(got.json.applications[2]).toMatchObject({
      name: 'web',
      desired: 0,
      healthy: 0,
      min: 2,
      max: 5,
      instances: [],
    });
    expect(contractErrors(ServiceSummary, got.json)).toEqual([]);

    const listed = await plane.call('GET', '/v1/services');
    expect(listed.json.items.map((s: { name: string }) => s.name)).toEqual(['shop']);
    expect(contractErrors(ServicePage, listed.json)).toEqual([]);
    expect((await plane.events(['ServiceDefined'])).map((e) => e.streamId)).toEqual([
      'service-shop',
    ]);
  });

  it('records an update only when the spec changed, with the changed applications', async () => {
    const same = await plane.call('PUT', '/v1/services/shop', shopYaml, 'application/yaml');
    expect(same.json.revision).toBe(1);
    const changed = await plane.call(
      'PUT',
      '/v1/services/shop',
      shopYaml.replace('min: 2, max: 5', 'min: 2, max: 6'),
      'application/yaml',
    );
    expect(changed.json.revision).toBe(2);
    const updates = await plane.events(['ServiceUpdated']);
    expect(updates.map((e) => e.data.changedApps)).toEqual([['web']]);
  });

  it('refuses a bad spec with 400 listing every error by path, and stores nothing', async () => {
    const before = (await plane.events()).length;
    const bad = {
      apiVersion: 'federa/v1',
      kind: 'Service',
      metadata: { name: 'bad' },
      spec: {
        applications: [
          {
            name: 'web',
            layer: 'docker',
            resources: { cpu: 'lots', memory: '1Gi' },
            replicas: { min: 3, max: 1 },
            dependsOn: ['db'],
            colour: 'red',
          },
          {
            name: 'a',
            layer: 'process',
            artifact: { command: ['node'] },
            resources: { cpu: 1, memory: '1Gi' },
            dependsOn: ['b'],
          },
          {
            name: 'b',
            layer: 'process',
            artifact: { command: ['node'] },
            resources: { cpu: 1, memory: '1Gi' },
            dependsOn: ['a'],
          },
        ],
      },
    };
    const refused = await plane.call('PUT', '/v1/services/bad', bad);
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('validation_failed');
    const paths = refused.json.error.details.map(
      (d: { path: string; reason: string }) => `${d.path}: ${d.reason}`,
    );
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^spec\.spec\.applications\[0\]\.colour: unknown key/),
        expect.stringMatching(/^spec\.spec\.applications\[0\]\.layer: /),
        expect.stringMatching(/^spec\.spec\.applications\[0\]\.resources\.cpu: /),
        expect.stringMatching(
          /^spec\.spec\.applications\[0\]\.replicas: min \(3\) must not exceed max \(1\)/,
        ),
        expect.stringMatching(
          /^spec\.spec\.applications\[0\]\.dependsOn\[0\]: unknown application "db"/,
        ),
        expect.stringMatching(/^spec\.spec\.applications\[1\]\.dependsOn: dependency cycle/),
      ]),
    );
    expect((await plane.events()).length).toBe(before);
    expect((await plane.call('GET', '/v1/services/bad')).status).toBe(404);
  });

  it('refuses a spec whose name differs from the one in the path', async () => {
    const refused = await plane.call('PUT', '/v1/services/other', shopYaml, 'application/yaml');
    expect(refused.status).toBe(400);
    expect(refused.json.error.details).toContainEqual(
      expect.objectContaining({ path: 'spec.metadata.name' }),
    );
  });

  it('refuses YAML that does not parse, naming the syntax error', async () => {
    const refused = await plane.call(
      'PUT',
      '/v1/services/shop',
      'apiVersion: [unclosed',
      'application/yaml',
    );
    expect(refused.status).toBe(400);
    expect(refused.json.error.details[0].reason).toMatch(/YAML syntax error/);
  });

  it('copies a service under a new name with the same applications and rules', async () => {
    const copied = await plane.call('POST', '/v1/services/shop/copy', { as: 'shop-2' });
    expect(copied.status).toBe(201);
    expect(copied.json).toMatchObject({ name: 'shop-2', state: 'defined', copiedFrom: 'shop' });
    const [event] = await plane.events(['ServiceCopied']);
    expect(event.streamId).toBe('service-shop-2');
    expect(event.data.spec.spec).toEqual(
      (await plane.events(['ServiceUpdated']))[0].data.spec.spec,
    );
    expect((await plane.call('POST', '/v1/services/shop/copy', { as: 'shop-2' })).status).toBe(409);
  });

  it('deletes a service that is not running, and then answers 404 for it', async () => {
    expect((await plane.call('DELETE', '/v1/services/shop-2')).status).toBe(200);
    expect((await plane.call('GET', '/v1/services/shop-2')).status).toBe(404);
    expect((await plane.call('POST', '/v1/services/ghost/deploy')).status).toBe(404);
  });
});
