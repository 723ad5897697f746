import type { ServiceSpec } from '@federa/contracts';
import { latestSpec } from './service-spec-fold';

const spec = (name: string) => ({ name }) as unknown as ServiceSpec;

describe("a service's latest spec", () => {
  it('is the spec of a copied service from its ServiceCopied', () => {
    const events = [{ type: 'ServiceCopied', data: { service: 'shop-2', spec: spec('shop-2') } }];
    expect(latestSpec(events)).toEqual(spec('shop-2'));
  });

  it('follows updates and ignores events that carry no spec', () => {
    const events = [
      { type: 'ServiceDefined', data: { spec: spec('v1') } },
      { type: 'ServiceUpdated', data: { spec: spec('v2') } },
      { type: 'ServiceDeployStarted', data: {} },
    ];
    expect(latestSpec(events)).toEqual(spec('v2'));
  });

  it('is undefined before the service is defined', () => {
    expect(latestSpec([])).toBeUndefined();
  });
});
