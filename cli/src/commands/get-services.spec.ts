import type { ApiClient } from '../api-client';
import { everyPage } from './get-services';

/** A gateway answering a list of five in pages of two, recording the paths asked for. */
function pagedApi(asked: string[]): ApiClient {
  const names = ['a', 'b', 'c', 'd', 'e'];
  return {
    get: async (path: string) => {
      asked.push(path);
      const after = new URL(path, 'http://x').searchParams.get('after');
      const start = after ? names.indexOf(after) + 1 : 0;
      const items = names.slice(start, start + 2).map((name) => ({ name }));
      const last = start + 2 >= names.length;
      return last ? { items } : { items, next: items[items.length - 1].name };
    },
  } as unknown as ApiClient;
}

describe('federa get: every page of a list', () => {
  it('follows next until the last page, keeping the filters on every request', async () => {
    const asked: string[] = [];
    const items = await everyPage<{ name: string }>(
      pagedApi(asked),
      '/v1/instances',
      new URLSearchParams({ service: 'shop' }),
    );
    expect(items.map((i) => i.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(asked).toEqual([
      '/v1/instances?service=shop&limit=500',
      '/v1/instances?service=shop&limit=500&after=b',
      '/v1/instances?service=shop&limit=500&after=d',
    ]);
  });
});
