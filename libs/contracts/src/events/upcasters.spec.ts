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

  it('brings a v1 InstanceRunning to v2, its `host:port` endpoint becoming address and port', () => {
    const ref = { service: 'shop', app: 'web', instance: 'i-1', host: 'mph-1' };
    const v2 = (data: Record<string, unknown>) =>
      upcast({ type: 'InstanceRunning', schemaVersion: 1, data: { ...ref, ...data } });
    expect(v2({ endpoint: '10.0.0.5:8080' })).toEqual({
      type: 'InstanceRunning',
      schemaVersion: 2,
      data: { ...ref, endpoint: { address: '10.0.0.5', port: 8080 } },
    });
    expect(v2({ endpoint: '[::1]:9000' }).data).toEqual({
      ...ref,
      endpoint: { address: '::1', port: 9000 },
    });
    // Text naming no usable port leaves the event readable, without an endpoint.
    expect(v2({ endpoint: 'mph-1' }).data).toEqual(ref);
    expect(v2({ endpoint: 'mph-1:http' }).data).toEqual(ref);
    expect(v2({ handle: '4242' }).data).toEqual({ ...ref, handle: '4242' });
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
