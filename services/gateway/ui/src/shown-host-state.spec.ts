import { shownHostState } from './shown-host-state';

describe('the state the hosts panel shows', () => {
  it('is the host state when nothing is asked of it', () => {
    expect(shownHostState({ state: 'ready', cordoned: false, drain: null })).toBe('ready');
  });

  it('is draining, then drained, while a drain runs and once it is done', () => {
    const draining = { state: 'ready', cordoned: true, drain: { state: 'draining' } };
    expect(shownHostState(draining)).toBe('draining');
    expect(shownHostState({ ...draining, drain: { state: 'drained' } })).toBe('drained');
  });

  it('is cordoned for a ready host that takes no placements', () => {
    expect(shownHostState({ state: 'ready', cordoned: true, drain: null })).toBe('cordoned');
  });

  it('is down for a host that is down, whatever was asked of it', () => {
    expect(shownHostState({ state: 'down', cordoned: true, drain: { state: 'cancelled' } })).toBe(
      'down',
    );
  });
});
