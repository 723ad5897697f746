import { StopCommand } from '../../agent/agent-command';
import { AgentRegistration } from '../../agent/agent-registration';
import { GetHostQuery } from '../../commands/host-commands';
import { GetInstanceQuery } from '../../commands/instance-commands';
import { validatePayload } from '../../validation/validate';

const longestName = 'n'.repeat(63);
/** The longest id supervision makes: `<service>-<app>-<6 hex>` with names of 63 characters. */
const longestInstanceId = `${longestName}-${longestName}-0a1b2c`;
const instanceIds = [
  'web-api-1a2b3c',
  'Web_1.blue',
  'svc:app:1',
  longestInstanceId,
  'a'.repeat(135),
  '-leading',
  '',
];
const hostIds = ['host-1', 'h1', 'Host-1', 'host.1', 'host_1', 'host:1', 'h'.repeat(64), ''];

const acceptsInstance = {
  api: (instance: string) => validatePayload(GetInstanceQuery, { instance }).ok,
  agent: (instance: string) =>
    validatePayload(StopCommand, { commandId: 'c-1', epoch: 1, type: 'stop', instance }).ok,
};

const acceptsHost = {
  api: (host: string) => validatePayload(GetHostQuery, { host }).ok,
  agent: (host: string) => {
    const result = validatePayload(AgentRegistration, { host });
    return result.ok || !result.errors.some((e) => e.path === 'host');
  },
};

describe('ids shared by the API and the agent protocol', () => {
  it.each(instanceIds)('accept or refuse instance id %p alike', (id) => {
    expect(acceptsInstance.api(id)).toBe(acceptsInstance.agent(id));
  });

  it.each(hostIds)('accept or refuse host id %p alike', (id) => {
    expect(acceptsHost.api(id)).toBe(acceptsHost.agent(id));
  });

  it('accept the longest instance id supervision makes, and refuse one character more', () => {
    expect(validatePayload(GetInstanceQuery, { instance: longestInstanceId }).ok).toBe(true);
    expect(validatePayload(GetInstanceQuery, { instance: `${longestInstanceId}0` }).ok).toBe(false);
  });

  it('refuse a colon in an instance id and upper case in a host id, naming the field', () => {
    expect(validatePayload(GetInstanceQuery, { instance: 'svc:app:1' })).toEqual({
      ok: false,
      errors: [expect.objectContaining({ path: 'instance' })],
    });
    expect(validatePayload(GetHostQuery, { host: 'Host-1' })).toEqual({
      ok: false,
      errors: [expect.objectContaining({ path: 'host' })],
    });
    expect(acceptsInstance.api('web-api-1a2b3c')).toBe(true);
    expect(acceptsHost.api('host-1')).toBe(true);
  });
});
