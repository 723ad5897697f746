import type { ServiceEndpoints } from '@federa/contracts';
import { EndpointsBoard } from './endpoints-board';

const set = (version: number): ServiceEndpoints => ({
  service: 'shop',
  version,
  updatedAt: version,
  applications: [],
});

function board() {
  const warnings: Array<{ fields: Record<string, unknown>; message: string }> = [];
  const value = new EndpointsBoard({
    warn: (fields, message) => warnings.push({ fields, message }),
  });
  return { board: value, warnings };
}

describe('EndpointsBoard', () => {
  it('wakes a reader waiting for a newer version when it arrives', async () => {
    const { board: endpoints } = board();
    endpoints.offer('shop', JSON.stringify(set(1)));
    const waiting = endpoints.next('shop', 1, 60_000);
    endpoints.offer('shop', JSON.stringify(set(2)));
    await expect(waiting).resolves.toMatchObject({ version: 2 });
  });

  it('answers at once when it already holds a newer version', async () => {
    const { board: endpoints } = board();
    endpoints.offer('shop', JSON.stringify(set(3)));
    await expect(endpoints.next('shop', 1, 60_000)).resolves.toMatchObject({ version: 3 });
  });

  it('keeps the last good set and logs the fields of a malformed one', () => {
    const { board: endpoints, warnings } = board();
    endpoints.offer('shop', JSON.stringify(set(1)));
    endpoints.offer('shop', JSON.stringify({ ...set(2), applications: 'none' }));
    expect(endpoints.current('shop')?.version).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain('applications');
    expect(warnings[0].fields.fields).toEqual(['applications']);
  });

  it('answers what it holds when the wait times out or is released', async () => {
    const { board: endpoints } = board();
    endpoints.offer('shop', JSON.stringify(set(1)));
    await expect(endpoints.next('shop', 1, 10)).resolves.toMatchObject({ version: 1 });
    const released = endpoints.next('shop', 1, 60_000);
    endpoints.releaseAll();
    await expect(released).resolves.toMatchObject({ version: 1 });
  });

  it('empties a deleted service, answering its readers with an empty set one version above', async () => {
    const { board: endpoints } = board();
    endpoints.offer(
      'shop',
      JSON.stringify({ ...set(4), applications: [{ name: 'web', instances: [] }] }),
    );
    const waiting = endpoints.next('shop', 4, 60_000);
    endpoints.remove('shop', 99);
    await expect(waiting).resolves.toEqual({
      service: 'shop',
      version: 5,
      updatedAt: 99,
      applications: [],
    });
    expect(endpoints.current('shop')).toMatchObject({ version: 5, applications: [] });
    // Deployed again, it is written at a later log position.
    expect(endpoints.offer('shop', JSON.stringify(set(9))).kind).toBe('accepted');
  });

  it('takes a recreated bucket’s values whatever their version, served above what readers saw', async () => {
    const { board: endpoints } = board();
    endpoints.offer('shop', JSON.stringify(set(40)));
    endpoints.recreated();
    const waiting = endpoints.next('shop', 40, 60_000);
    // Supervision rewrote the lost bucket at the log's position, below the version held.
    expect(endpoints.offer('shop', JSON.stringify({ ...set(38), updatedAt: 7 })).kind).toBe(
      'accepted',
    );
    await expect(waiting).resolves.toMatchObject({ version: 41, updatedAt: 7 });
    // The values after it follow, lifted alike; an older one is still ignored.
    expect(endpoints.offer('shop', JSON.stringify(set(37))).kind).toBe('stale');
    expect(endpoints.offer('shop', JSON.stringify(set(39))).kind).toBe('accepted');
    expect(endpoints.current('shop')?.version).toBe(42);
  });
});
