import { validateServiceSpec } from './validate-service-spec';
import { isReservedWorkloadVariable } from './workload-variables';

function specWithEnv(env: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name: 'shop' },
    spec: {
      applications: [
        {
          name: 'web',
          layer: 'process',
          artifact: { command: ['node', 'web.js'], env },
          resources: { cpu: '250m', memory: '64Mi' },
        },
      ],
    },
  };
}

describe('the variables the agent sets for every workload', () => {
  it('are the port, the identity, the data directory and the endpoints', () => {
    for (const name of [
      'PORT',
      'FEDERA_SERVICE',
      'FEDERA_APPLICATION',
      'FEDERA_INSTANCE',
      'FEDERA_DATA_DIR',
      'FEDERA_DISCOVERY_URL',
      'FEDERA_ENDPOINTS_CATALOG_DB',
    ])
      expect({ name, reserved: isReservedWorkloadVariable(name) }).toEqual({
        name,
        reserved: true,
      });
    expect(isReservedWorkloadVariable('GREETING')).toBe(false);
  });

  it("cannot be set by an application's env: the spec is refused naming each", () => {
    const result = validateServiceSpec(
      specWithEnv({ GREETING: 'hi', PORT: '80', FEDERA_ENDPOINTS_PAYMENT: '10.0.0.9:1' }),
    );
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual([
      'spec.applications[0].artifact.env.PORT',
      'spec.applications[0].artifact.env.FEDERA_ENDPOINTS_PAYMENT',
    ]);
    // The reason holds for every layer: a VM is given none of them through env.
    expect(result.ok ? '' : result.errors[0].reason).toMatch(
      /^is reserved: the agent sets it for every process instance .*a VM guest .* no env at all$/,
    );
  });

  it("leave every other name to the application's env, a FEDERA_ one of its own included", () => {
    // An application that calls Federa's API is given a token of its own this way, on purpose.
    expect(validateServiceSpec(specWithEnv({ GREETING: 'hi', FEDERA_API_TOKEN: 't' })).ok).toBe(
      true,
    );
  });
});
