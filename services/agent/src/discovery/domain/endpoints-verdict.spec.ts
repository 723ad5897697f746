import type { ServiceEndpoints } from '@federa/contracts';
import { judgeEndpoints } from './endpoints-verdict';

const set: ServiceEndpoints = {
  service: 'shop',
  version: 5,
  updatedAt: 1000,
  applications: [
    {
      name: 'web',
      instances: [{ instance: 'web-1', host: 'h1', address: '127.0.0.1', port: 4000 }],
    },
  ],
};

describe('judgeEndpoints', () => {
  it('accepts a valid set newer than the one held', () => {
    const verdict = judgeEndpoints('shop', JSON.stringify(set), { ...set, version: 4 });
    expect(verdict).toMatchObject({ kind: 'accepted', endpoints: { version: 5 } });
  });

  it('refuses a value that is not JSON', () => {
    const verdict = judgeEndpoints('shop', '{nope', undefined);
    expect(verdict.kind).toBe('refused');
  });

  it('refuses a malformed set naming each wrong field', () => {
    const bad = {
      ...set,
      version: -1,
      applications: [{ name: 'web', instances: [{ instance: 'web-1', host: 'h1', port: 0 }] }],
    };
    const verdict = judgeEndpoints('shop', JSON.stringify(bad), undefined);
    expect(verdict.kind).toBe('refused');
    const paths = verdict.kind === 'refused' ? verdict.errors.map((e) => e.path) : [];
    expect(paths).toEqual(
      expect.arrayContaining([
        'version',
        'applications[0].instances[0].address',
        'applications[0].instances[0].port',
      ]),
    );
  });

  it("refuses a set that names another service than its key's", () => {
    const verdict = judgeEndpoints('bank', JSON.stringify(set), undefined);
    expect(verdict).toMatchObject({ kind: 'refused', errors: [{ path: 'service' }] });
  });

  it('ignores a version not newer than the one held', () => {
    expect(judgeEndpoints('shop', JSON.stringify(set), set)).toEqual({
      kind: 'stale',
      held: 5,
      offered: 5,
    });
  });
});
