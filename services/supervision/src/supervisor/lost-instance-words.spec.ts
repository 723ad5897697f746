import type { InstanceView } from '../domain/instance-view';
import type { HostView } from '../domain/supervision-view';
import { LostInstanceWords } from './lost-instance-words';

describe('what returning agents said of lost instances', () => {
  const lostDb: InstanceView = {
    id: 'shop-db-1',
    service: 'shop',
    app: 'db',
    layer: 'qemu',
    host: 'h1',
    state: 'lost',
    since: '2026-01-01T00:00:00Z',
    revision: 1,
  };
  let view: { instances: Map<string, InstanceView>; hosts: Map<string, HostView> };
  let now: number;
  let words: LostInstanceWords;

  beforeEach(() => {
    view = {
      instances: new Map([[lostDb.id, lostDb]]),
      hosts: new Map([['h1', { id: 'h1', epoch: 2, down: false, upAt: 0 }]]),
    };
    now = 5000;
    words = new LostInstanceWords(view, () => now);
  });

  it('remembers when the agent first said it holds a lost instance, by supervision’s clock', () => {
    words.note({ host: 'h1', instance: 'shop-db-1', state: 'migrating', epoch: 2 });
    now = 6000;
    words.note({ host: 'h1', instance: 'shop-db-1', state: 'migrating', epoch: 2 });

    expect(words.heardAt('shop-db-1')).toBe(5000);
  });

  it('counts anew from the first word of a later agent run', () => {
    words.note({ host: 'h1', instance: 'shop-db-1', state: 'stopping', epoch: 2 });
    view.hosts.set('h1', { id: 'h1', epoch: 3, down: false, upAt: 5500 });
    now = 6000;
    words.note({ host: 'h1', instance: 'shop-db-1', state: 'stopping', epoch: 3 });

    expect(words.heardAt('shop-db-1')).toBe(6000);
  });

  it('drops what it heard of an instance once a word of it comes after it is no longer lost', () => {
    words.note({ host: 'h1', instance: 'shop-db-1', state: 'migrating', epoch: 2 });
    view.instances.set('shop-db-1', { ...lostDb, state: 'failed' });

    words.note({ host: 'h1', instance: 'shop-db-1', state: 'stopping', epoch: 2 });
    view.instances.set('shop-db-1', lostDb);

    expect(words.heardAt('shop-db-1')).toBeUndefined();
  });

  it('remembers nothing of an instance that is not lost, nor of a word from another host', () => {
    view.instances.set('shop-web-1', { ...lostDb, id: 'shop-web-1', state: 'healthy' });
    words.note({ host: 'h1', instance: 'shop-web-1', state: 'healthy', epoch: 2 });
    words.note({ host: 'h2', instance: 'shop-db-1', state: 'migrating', epoch: 2 });

    expect(words.heardAt('shop-web-1')).toBeUndefined();
    expect(words.heardAt('shop-db-1')).toBeUndefined();
  });

  it('forgets an instance once the log says what became of it', () => {
    words.note({ host: 'h1', instance: 'shop-db-1', state: 'migrating', epoch: 2 });
    view.instances.set('shop-db-1', { ...lostDb, state: 'healthy' });

    words.forgetFound();

    expect(words.heardAt('shop-db-1')).toBeUndefined();
  });
});
