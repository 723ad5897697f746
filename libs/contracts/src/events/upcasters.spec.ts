import { UpcastError, UpcasterRegistry } from './upcaster-registry';
import { registerUpcaster, upcast } from './upcasters';

describe('upcasting', () => {
  it('brings a v1 InstancePlaced to v2, its score becoming the total of a breakdown', () => {
    const stored = {
      position: 7,
      type: 'InstancePlaced',
      schemaVersion: 1,
      data: { service: 'shop', app: 'web', instance: 'i-1', host: 'mph-1', score: 0.7 },
    };
    const current = upcast(stored);
    expect(current).toEqual({
      position: 7,
      type: 'InstancePlaced',
      schemaVersion: 2,
      data: {
        service: 'shop',
        app: 'web',
        instance: 'i-1',
        host: 'mph-1',
        scores: { total: 0.7, byScorer: {} },
      },
    });
    expect(stored.data).toHaveProperty('score', 0.7);
  });

  it('leaves current and unknown types untouched', () => {
    const event = { type: 'HostCordoned', schemaVersion: 1, data: { host: 'h' } };
    expect(upcast(event)).toBe(event);
    const foreign = { type: 'SomethingElse', schemaVersion: 4, data: {} };
    expect(upcast(foreign)).toBe(foreign);
  });

  it('refuses a version from the future', () => {
    expect(() => upcast({ type: 'InstancePlaced', schemaVersion: 3, data: {} })).toThrow(
      'InstancePlaced v3 is newer than this build knows (v2)',
    );
  });

  it('applies steps in order across several versions', () => {
    const registry = new UpcasterRegistry((type) => (type === 'Thing' ? 3 : undefined));
    registry.register('Thing', 2, (d) => ({ ...d, c: `${d.b}!` }));
    registry.register('Thing', 1, (d) => ({ b: d.a }));
    expect(registry.upcast({ type: 'Thing', schemaVersion: 1, data: { a: 'x' } })).toEqual({
      type: 'Thing',
      schemaVersion: 3,
      data: { b: 'x', c: 'x!' },
    });
  });

  it('names the missing step', () => {
    const registry = new UpcasterRegistry(() => 3);
    registry.register('Thing', 1, (d) => d);
    expect(() => registry.upcast({ type: 'Thing', schemaVersion: 1, data: {} })).toThrow(
      new UpcastError('no upcaster for Thing from v2 to v3'),
    );
  });

  it('refuses a second upcaster for the same step and steps outside the known versions', () => {
    expect(() => registerUpcaster('InstancePlaced', 1, (d) => d)).toThrow(
      'already has an upcaster from v1',
    );
    expect(() => registerUpcaster('HostCordoned', 1, (d) => d)).toThrow('must be from 1 to 0');
    expect(() => registerUpcaster('Nope', 1, (d) => d)).toThrow('unknown event type Nope');
  });
});
