import { validateHostConfig } from './host-config';

const base = {
  host: 'h1',
  site: 'lab',
  securityLevel: 1,
  layers: ['process'],
  capacity: 'auto',
  costs: { cpuHour: 0, memoryGiBHour: 0, storageGiBMonth: 0, networkGiB: 0 },
};

const errorsOf = (extra: Record<string, unknown>) => {
  const result = validateHostConfig({ ...base, ...extra });
  return result.ok ? [] : result.errors;
};

describe("host.yaml's address and discovery.bind", () => {
  it('take an IP address or, for address, a host name', () => {
    expect(errorsOf({ address: '10.0.0.5', discovery: { bind: '0.0.0.0' } })).toEqual([]);
    expect(errorsOf({ address: 'fd00::5', discovery: { bind: '::' } })).toEqual([]);
    expect(errorsOf({ address: 'h1.lab.internal', discovery: { bind: '127.0.0.1' } })).toEqual([]);
  });

  it('refuse an address that could say more than an address, naming address', () => {
    for (const address of ['10.0.0.5 FOO=bar', '$(id)', "h1'", 'h1\nX=1']) {
      expect(errorsOf({ address })).toEqual([
        { path: 'address', reason: expect.stringMatching(/IP address or a host name/) },
      ]);
    }
  });

  it('refuse a bind that is not an IP address, naming discovery.bind', () => {
    expect(errorsOf({ discovery: { bind: 'localhost:7300' } })).toEqual([
      { path: 'discovery.bind', reason: expect.stringMatching(/must be an IP address/) },
    ]);
  });
});

describe("host.yaml's costs.standingPerHour", () => {
  it('is optional and takes a rate of 0 or more', () => {
    expect(errorsOf({})).toEqual([]);
    expect(errorsOf({ costs: { ...base.costs, standingPerHour: 0.02 } })).toEqual([]);
  });

  it('refuses a negative or non-numeric rate, naming costs.standingPerHour', () => {
    for (const standingPerHour of [-1, 'cheap']) {
      const errors = errorsOf({ costs: { ...base.costs, standingPerHour } });
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.map((e) => e.path)).toEqual(errors.map(() => 'costs.standingPerHour'));
    }
  });
});

describe("host.yaml's capacity and labels", () => {
  it('names a key of capacity or labels the way every path is written, an empty or all-digit one too', () => {
    const capacity = { cpu: 8, memory: '32Gi', storage: '500Gi', bandwidth: '10Gbps' };
    expect(errorsOf({ capacity: { ...capacity, 0: 1, '': 2 } })).toEqual([
      { path: 'capacity[0]', reason: 'unknown key' },
      { path: 'capacity[""]', reason: 'unknown key' },
    ]);
    expect(errorsOf({ labels: { '': 1, 7: 2 } })).toEqual([
      { path: 'labels[7]', reason: 'must be a string' },
      { path: 'labels[""]', reason: 'must be a string' },
    ]);
  });
});
