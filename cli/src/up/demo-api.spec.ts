import { hostsRegistered, shopIsStopped, shopProgress, type ShopView } from './demo-api';

const shop = (state: string, instanceStates: string[]): ShopView => ({
  state,
  applications: [
    { name: 'catalog-db', healthy: 1, desired: 1, instances: [] },
    {
      name: 'web',
      healthy: instanceStates.filter((s) => s === 'healthy').length,
      desired: 2,
      instances: instanceStates.map((state) => ({ state })),
    },
  ],
});

describe('the demo shop as the API shows it', () => {
  it('sums up each application as healthy/desired', () => {
    expect(shopProgress(shop('deploying', ['healthy', 'starting']))).toBe(
      'catalog-db 1/1, web 1/2',
    );
  });

  it('is stopped only once the service is stopped and no instance has a process left', () => {
    expect(shopIsStopped(shop('stopped', ['stopped', 'failed']))).toBe(true);
    expect(shopIsStopped(shop('stopped', ['stopped', 'stopping']))).toBe(false);
    expect(shopIsStopped(shop('stopping', ['stopped']))).toBe(false);
    expect(shopIsStopped(shop('available', ['healthy', 'healthy']))).toBe(false);
  });
});

describe('hostsRegistered', () => {
  const before = new Map([['h1', 3]]);

  it('waits for every host to be ready with a new epoch, not a ready host of a previous run', () => {
    expect(hostsRegistered(['h1'], before, [{ id: 'h1', state: 'ready', epoch: 3 }])).toBe(false);
    expect(hostsRegistered(['h1'], before, [{ id: 'h1', state: 'ready', epoch: 4 }])).toBe(true);
  });

  it('counts a host never seen before once it is ready, and not before', () => {
    expect(hostsRegistered(['h2'], before, [])).toBe(false);
    expect(hostsRegistered(['h2'], before, [{ id: 'h2', state: 'down', epoch: 1 }])).toBe(false);
    expect(hostsRegistered(['h2'], before, [{ id: 'h2', state: 'ready', epoch: 1 }])).toBe(true);
  });
});
