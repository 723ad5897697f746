import { validateCommand } from './command-registry';
import { pageOf } from './list-query';

const keyOf = (item: { id: string }) => item.id;
const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `i-${i}`, pad: 'x'.repeat(90) }));

describe('list paging', () => {
  it('answers at most limit items and the last key as next when more remain', () => {
    expect(pageOf(rows(4), 3, keyOf)).toEqual({ items: rows(3), next: 'i-2' });
    expect(pageOf(rows(3), 3, keyOf)).toEqual({ items: rows(3) });
  });

  it('ends a page early when its answer would pass the byte budget, but never empty', () => {
    const page = pageOf(rows(10), 10, keyOf, 250);
    expect(page).toEqual({ items: rows(2), next: 'i-1' });
    expect(pageOf(rows(2), 10, keyOf, 10)).toEqual({ items: rows(1), next: 'i-0' });
  });

  it('refuses a limit above the largest page, naming the limit', () => {
    expect(validateCommand('listServices', { limit: 501 })).toEqual({
      ok: false,
      errors: [{ path: 'limit', reason: 'must not exceed the limit of 500 items per page' }],
    });
    expect(validateCommand('listInstances', { limit: 500 }).ok).toBe(true);
  });
});
