import { simulatedSpec } from './simulated-spec';

describe('simulatedSpec', () => {
  const manifest = {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name: 'shop' },
    spec: {
      applications: [{ name: 'web', layer: 'process' }],
      serviceProbe: { application: 'web', http: { path: '/checkout/health' } },
      rules: [{ antiAffinity: ['web'] }],
    },
  };

  it('drops a service probe, which simulated workloads cannot answer, and says so', () => {
    const rewritten = simulatedSpec('shop', manifest);
    expect(rewritten.manifest).toEqual({
      ...manifest,
      spec: { applications: manifest.spec.applications, rules: manifest.spec.rules },
    });
    expect(rewritten.rewrites).toEqual([
      'replay: shop: service probe dropped: its workloads are simulated',
    ]);
    expect(manifest.spec.serviceProbe).toBeDefined();
  });

  it('keeps a spec without a service probe as recorded', () => {
    const { serviceProbe: _probe, ...spec } = manifest.spec;
    const plain = { ...manifest, spec };
    expect(simulatedSpec('shop', plain)).toEqual({ manifest: plain, rewrites: [] });
  });

  it('holds the simulated load of an application that scales between its thresholds, and says so', () => {
    const scaling = {
      spec: {
        applications: [
          {
            name: 'web',
            artifact: { command: ['web'] },
            scaling: { metric: 'load', scaleOutAbove: 0.8, scaleInBelow: 0.2 },
          },
          { name: 'db', artifact: { command: ['db'] } },
        ],
      },
    };
    const rewritten = simulatedSpec('shop', scaling);
    const [web, db] = (
      rewritten.manifest as typeof scaling & {
        spec: { applications: Array<{ artifact: { env?: Record<string, string> } }> };
      }
    ).spec.applications;
    expect(web.artifact.env).toEqual({ SIM_LOAD: '0.5' });
    expect(db.artifact.env).toBeUndefined();
    expect(rewritten.rewrites).toEqual([
      'replay: shop/web: simulated load held at 0.5: its recorded scaling is not re-driven',
    ]);
  });
});
