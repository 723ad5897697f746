import { normaliseServiceSpec } from './normalise-service-spec';
import { SpecDefaults } from './normalised-service-spec';
import { parseServiceSpec } from './parse-service-spec';
import { validateServiceSpec } from './validate-service-spec';

function shop(serviceProbe: unknown, dbLayer = 'process'): Record<string, unknown> {
  const app = (name: string, layer = 'process') => ({
    name,
    layer,
    artifact: { command: ['node', `${name}.js`] },
    resources: { cpu: '250m', memory: '64Mi' },
  });
  return {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name: 'shop' },
    spec: { applications: [app('web'), app('catalog-db', dbLayer)], serviceProbe },
  };
}

function errorsOf(plain: unknown): Array<{ path: string; reason: string }> {
  const result = validateServiceSpec(plain);
  if (result.ok) throw new Error('expected the spec to be refused');
  return result.errors;
}

describe('spec.serviceProbe', () => {
  it('is accepted naming an application and a path, and normalised with the documented defaults', () => {
    const plain = shop({ application: 'web', http: { path: '/checkout/health' } });
    const validated = validateServiceSpec(plain);
    if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
    expect(normaliseServiceSpec(validated.value).serviceProbe).toEqual({
      application: 'web',
      path: '/checkout/health',
      ...SpecDefaults.serviceProbe,
    });
  });

  it('keeps the interval, timeout and threshold the spec gives', () => {
    const plain = shop({
      application: 'web',
      http: { path: '/checkout/health' },
      intervalMs: 1000,
      timeoutMs: 500,
      failureThreshold: 1,
    });
    const validated = validateServiceSpec(plain);
    if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
    expect(normaliseServiceSpec(validated.value).serviceProbe).toMatchObject({
      intervalMs: 1000,
      timeoutMs: 500,
      failureThreshold: 1,
    });
  });

  it('is null in a spec that declares none', () => {
    const validated = validateServiceSpec(shop(undefined));
    if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
    expect(normaliseServiceSpec(validated.value).serviceProbe).toBeNull();
  });

  it('refuses an application the service does not have, naming the field', () => {
    expect(errorsOf(shop({ application: 'payment', http: { path: '/checkout/health' } }))).toEqual([
      { path: 'spec.serviceProbe.application', reason: 'unknown application "payment"' },
    ]);
  });

  it('refuses an application whose instances cannot be reached over HTTP', () => {
    const errors = errorsOf(shop({ application: 'catalog-db', http: { path: '/h' } }, 'sim'));
    expect(errors).toEqual([
      {
        path: 'spec.serviceProbe.application',
        reason: expect.stringContaining('sim layer'),
      },
    ]);
  });

  it('refuses a path without a leading slash, a missing http and out-of-range numbers, each at its path', () => {
    const errors = errorsOf(
      shop({ application: 'web', http: { path: 'checkout' }, intervalMs: 10, timeoutMs: 0.5 }),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'spec.serviceProbe.http.path', reason: 'must start with /' },
        { path: 'spec.serviceProbe.intervalMs', reason: expect.stringContaining('500') },
        { path: 'spec.serviceProbe.timeoutMs', reason: expect.stringContaining('integer') },
      ]),
    );
    expect(errorsOf(shop({ application: 'web' })).map((e) => e.path)).toContain(
      'spec.serviceProbe.http',
    );
    expect(
      errorsOf(shop({ application: 'web', http: { path: '/h' }, failureThreshold: 0 })),
    ).toEqual([{ path: 'spec.serviceProbe.failureThreshold', reason: expect.any(String) }]);
  });

  it('names the field of a YAML spec the parser refuses', () => {
    const yaml = [
      'apiVersion: federa/v1',
      'kind: Service',
      'metadata: { name: shop }',
      'spec:',
      '  applications:',
      '    - { name: web, layer: process, artifact: { command: [node, web.js] }, resources: { cpu: 250m, memory: 64Mi } }',
      '  serviceProbe: { application: web, http: { path: /checkout/health }, colour: red }',
    ].join('\n');
    const parsed = parseServiceSpec(yaml);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.errors).toEqual([{ path: 'spec.serviceProbe.colour', reason: 'unknown key' }]);
  });
});
