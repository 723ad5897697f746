import { parsePayload, ServiceSpec } from '@federa/contracts';

/** The patent's e-commerce service in small, for unit tests: db ← payment ← web. */
export function shopSpec(
  overrides: { name?: string; webMin?: number; webMax?: number; webCpu?: string } = {},
): ServiceSpec {
  return parsePayload(ServiceSpec, {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name: overrides.name ?? 'shop' },
    spec: {
      applications: [
        {
          name: 'web',
          layer: 'process',
          artifact: { command: ['node', 'web.js'] },
          resources: { cpu: overrides.webCpu ?? '500m', memory: '128Mi' },
          replicas: { min: overrides.webMin ?? 2, max: overrides.webMax ?? 4 },
          dependsOn: ['db', 'payment'],
          scaling: { metric: 'load', scaleOutAbove: 0.75, scaleInBelow: 0.25, cooldownMs: 1000 },
        },
        {
          name: 'db',
          layer: 'process',
          artifact: { command: ['node', 'db.js'] },
          resources: { cpu: 1, memory: '1Gi' },
          data: { path: 'data' },
        },
        {
          name: 'payment',
          layer: 'process',
          artifact: { command: ['node', 'pay.js'] },
          resources: { cpu: 1, memory: '1Gi' },
          dependsOn: ['db'],
          placement: { relocatable: false },
        },
      ],
      rules: [{ antiAffinity: ['web'] }],
    },
  });
}
