import { contractsEventValidator } from './contracts-event-validator';

const resources = {
  cpuMillis: 500,
  memoryBytes: 2 ** 27,
  storageBytes: 2 ** 30,
  bandwidthBps: 1e8,
};
const placedNow = {
  service: 'shop',
  app: 'web',
  instance: 'shop-web-1',
  host: 'mph-1',
  layer: 'process',
  resources,
  scores: { total: 0.82, byScorer: { cost: 0.5 } },
  hostsConsidered: 12,
  hostEpoch: 3,
  costPerHour: 0.03,
};
const { scores: _scores, ...placedBefore } = { ...placedNow, score: 0.82 };

describe('the contracts event validator', () => {
  it("takes an event written without a schema version to be at its type's current version", () => {
    expect(contractsEventValidator({ type: 'InstancePlaced', data: placedNow })).toEqual({
      ok: true,
      schemaVersion: 2,
    });
  });

  it('accepts an older version it can upcast, and keeps the version the writer gave', () => {
    expect(
      contractsEventValidator({ type: 'InstancePlaced', schemaVersion: 1, data: placedBefore }),
    ).toEqual({ ok: true, schemaVersion: 1 });
  });

  it('refuses an event type the contracts do not know, naming `type`', () => {
    expect(contractsEventValidator({ type: 'HostExploded', data: {} })).toEqual({
      ok: false,
      errors: [{ path: 'type', reason: 'unknown event type "HostExploded"' }],
    });
  });

  it('refuses a known event with malformed data, every error under `data`', () => {
    const verdict = contractsEventValidator({
      type: 'InstancePlaced',
      data: { ...placedNow, host: 7, colour: 'red' },
    });
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.errors.map((e) => e.path).sort()).toEqual(['data.colour', 'data.host']);
  });

  it('refuses a schema version from the future', () => {
    expect(
      contractsEventValidator({ type: 'InstancePlaced', schemaVersion: 3, data: placedNow }),
    ).toEqual({
      ok: false,
      errors: [
        {
          path: 'schemaVersion',
          reason: 'InstancePlaced v3 is newer than this build knows (v2)',
        },
      ],
    });
  });
});
