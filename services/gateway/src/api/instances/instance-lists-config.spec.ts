import { ConfigurationError } from '@federa/runtime';
import { loadInstanceListsMode } from './instance-lists-config';

describe('FEDERA_GATEWAY_INSTANCE_LISTS', () => {
  it('answers instance lists from memory when unset or empty', () => {
    expect(loadInstanceListsMode({})).toBe('memory');
    expect(loadInstanceListsMode({ FEDERA_GATEWAY_INSTANCE_LISTS: '' })).toBe('memory');
  });

  it('forwards every instance list to supervision when set to forward', () => {
    expect(loadInstanceListsMode({ FEDERA_GATEWAY_INSTANCE_LISTS: 'forward' })).toBe('forward');
  });

  it('refuses any other value by name', () => {
    expect(() => loadInstanceListsMode({ FEDERA_GATEWAY_INSTANCE_LISTS: 'cache' })).toThrow(
      ConfigurationError,
    );
  });
});
