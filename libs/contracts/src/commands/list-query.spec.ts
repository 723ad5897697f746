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

  it('counts the budget in UTF-8 bytes, so that non-ASCII labels end a page as early as their bytes say', () => {
    // 90 characters of 'é' are 180 bytes: each row's JSON is about 200 bytes, not 110.
    const labelled = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ id: `i-${i}`, label: 'é'.repeat(90) }));
    expect(pageOf(labelled(10), 10, keyOf, 250)).toEqual({ items: labelled(1), next: 'i-0' });
    const emoji = Array.from({ length: 4 }, (_, i) => ({ id: `i-${i}`, label: '🚀'.repeat(30) }));
    // 30 rockets are 60 UTF-16 units but 120 bytes.
    expect(pageOf(emoji, 4, keyOf, 300)).toEqual({ items: emoji.slice(0, 2), next: 'i-1' });
  });

  it('refuses a limit above the largest page, naming the limit', () => {
    expect(validateCommand('listServices', { limit: 501 })).toEqual({
      ok: false,
      errors: [{ path: 'limit', reason: 'must not exceed the limit of 500 items per page' }],
    });
    expect(validateCommand('listInstances', { limit: 500 }).ok).toBe(true);
  });
});
