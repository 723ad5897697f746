import { layerStateOfDomainState } from './domain-state';

describe('layerStateOfDomainState', () => {
  it.each([
    ['running', 'running'],
    ['paused', 'paused'],
    ['shut off', 'stopped'],
    ['crashed', 'failed'],
    ['pmsuspended', 'paused'],
    ['whatever', 'unknown'],
  ])('maps virsh domstate %s to %s', (domstate, expected) => {
    expect(layerStateOfDomainState(domstate)).toBe(expected);
  });
});
