import { validatePayload } from '../validation/validate';
import { AgentReport } from '../agent/agent-report';
import {
  endpointsVariableValue,
  endpointText,
  InstanceEndpoint,
  isEndpointAddress,
  ServiceEndpoints,
} from './service-endpoints';

describe('an endpoint address', () => {
  it.each(['10.0.0.5', 'fd00::5', '::1', 'localhost', 'web-1.shop.internal', 'h1'])(
    'accepts %s',
    (address) => expect(isEndpointAddress(address)).toBe(true),
  );

  it.each([
    '',
    '10.0.0.5 FOO=bar',
    "x'; rm -rf /; '",
    '$(reboot)',
    'a\nFEDERA_X=1',
    '-leading-hyphen',
    'under_score',
    'a'.repeat(64),
  ])('refuses %j', (address) => expect(isEndpointAddress(address)).toBe(false));

  it('is refused in an endpoint, the error naming address and guestAddress', () => {
    const result = validatePayload(InstanceEndpoint, {
      address: '10.0.0.5;reboot',
      port: 8080,
      guestAddress: '`id`',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path).sort()).toEqual(['address', 'guestAddress']);
    expect(result.errors[0].reason).toMatch(/IP address or a host name/);
  });

  it('is refused in an agent report, the error naming endpoint.address', () => {
    const result = validatePayload(AgentReport, {
      host: 'h1',
      epoch: 1,
      runId: 'run-1',
      seq: 1,
      sentAt: 0,
      kind: 'instance',
      instance: 'shop-web-1',
      state: 'running',
      endpoint: { address: 'h1 $(id)', port: 8080 },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path)).toEqual(['endpoint.address']);
  });

  it('is refused in a discovery value, the error naming the instance', () => {
    const result = validatePayload(ServiceEndpoints, {
      service: 'shop',
      version: 1,
      updatedAt: 0,
      applications: [
        {
          name: 'web',
          instances: [{ instance: 'shop-web-1', host: 'h1', address: 'a b', port: 80 }],
        },
      ],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path)).toEqual(['applications[0].instances[0].address']);
  });
});

describe('endpoints as text', () => {
  it('puts an IPv6 address in brackets, so that the port is what follows the last colon', () => {
    expect(endpointText({ address: 'fd00::5', port: 8081 })).toBe('[fd00::5]:8081');
    expect(endpointText({ address: '10.0.0.5', port: 8081 })).toBe('10.0.0.5:8081');
    expect(
      endpointsVariableValue([
        { address: 'fd00::5', port: 8081 },
        { address: 'web-2', port: 8082 },
      ]),
    ).toBe('[fd00::5]:8081,web-2:8082');
  });
});
