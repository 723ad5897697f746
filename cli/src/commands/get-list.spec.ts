import { InvalidArgumentError } from 'commander';
import type { RecordedEvent } from '@federa/contracts';
import type { ApiClient } from '../api-client';
import { deletedLine, limitFlag, listPages, logHead } from './get-list';
import { hostsKind } from './get-hosts';
import { instancesKind } from './get-instances';
import { migrationsKind } from './get-migrations';
import { servicesKind } from './get-services';

/** A gateway answering a list of `count` names in pages of at most `pageSize`, recording the paths asked for. */
function pagedApi(asked: string[], count = 5, pageSize = 2): ApiClient {
  const names = Array.from({ length: count }, (_, i) => `n${String(i).padStart(3, '0')}`);
  return {
    get: async (path: string) => {
      asked.push(path);
      const query = new URL(path, 'http://x').searchParams;
      const after = query.get('after');
      const start = after ? names.indexOf(after) + 1 : 0;
      const size = Math.min(Number(query.get('limit')), pageSize);
      const items = names.slice(start, start + size).map((name) => ({ name }));
      const last = start + size >= names.length;
      return last ? { items } : { items, next: items[items.length - 1].name };
    },
  } as unknown as ApiClient;
}

const event = (streamId: string, data: Record<string, unknown> = {}): RecordedEvent =>
  ({ streamId, data, type: 'X', position: 1 }) as unknown as RecordedEvent;

describe('federa get lists', () => {
  it('stop at --limit, asking the last page for no more than is missing, and say where the list goes on', async () => {
    const asked: string[] = [];
    const page = await listPages<{ name: string }>(pagedApi(asked, 7, 2), '/v1/x', undefined, 3);
    expect(page.items.map((i) => i.name)).toEqual(['n000', 'n001', 'n002']);
    expect(page.next).toBe('n002');
    expect(asked).toEqual(['/v1/x?limit=3', '/v1/x?limit=1&after=n001']);
  });

  it('print every item and no next when --limit is not reached', async () => {
    const page = await listPages<{ name: string }>(pagedApi([], 3, 2), '/v1/x', undefined, 10);
    expect(page).toEqual({ items: [{ name: 'n000' }, { name: 'n001' }, { name: 'n002' }] });
  });

  it('read --limit as a positive integer', () => {
    expect(limitFlag('25')).toBe(25);
    for (const bad of ['0', '-1', 'ten', '1.5'])
      expect(() => limitFlag(bad)).toThrow(InvalidArgumentError);
  });

  it('know which items an event may have changed, for --watch', () => {
    expect(servicesKind.touched(event('service-shop'))).toEqual(['shop']);
    expect(servicesKind.touched(event('instance-shop-web-1', { service: 'shop' }))).toEqual([
      'shop',
    ]);
    expect(instancesKind.touched(event('instance-shop-web-1', { service: 'shop' }))).toEqual([
      'shop-web-1',
    ]);
    expect(hostsKind.touched(event('host-mph-1'))).toEqual(['mph-1']);
    expect(hostsKind.touched(event('allocation-mph-2'))).toEqual(['mph-2']);
    expect(hostsKind.touched(event('instance-shop-web-1', { host: 'mph-3' }))).toEqual(['mph-3']);
    expect(migrationsKind.touched(event('migration-mig-1'))).toEqual(['mig-1']);
    expect(migrationsKind.touched(event('host-mph-1'))).toEqual([]);
  });

  it('find the head of the log by reading from now until next stays where it was asked', async () => {
    const asked: string[] = [];
    const nexts = [40, 42, 42];
    const api = {
      get: async (path: string) => {
        asked.push(path);
        return { items: [], next: nexts.shift() };
      },
    } as unknown as ApiClient;
    expect(await logHead(api, Date.parse('2026-12-07T12:00:00Z'))).toBe(42);
    expect(asked[0]).toBe('/v1/events?from=2026-12-07T12%3A00%3A00.000Z&after=0&limit=1000');
    expect(asked[2]).toContain('after=42');
  });
});

describe('what --watch prints for a deleted item', () => {
  it('prints a document in the JSON and YAML streams, so that jq and YAML readers go on', () => {
    expect(JSON.parse(deletedLine('service', 'web', 'json'))).toEqual({
      kind: 'service',
      name: 'web',
      deleted: true,
    });
    expect(deletedLine('service', 'web', 'yaml')).toBe(
      '---\nkind: service\nname: web\ndeleted: true',
    );
  });

  it('prints the name alone for -o name, and a sentence for people', () => {
    expect(deletedLine('host', 'h1', 'name')).toBe('h1');
    expect(deletedLine('host', 'h1', 'table')).toBe('host h1 deleted');
  });
});
