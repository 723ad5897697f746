import fc from 'fast-check';
import type { ClusterState } from './cluster-state';
import { PlacementStack } from './placement-stack';
import { appKey, type PlacementRequest } from './placement-request';
import { resourceKinds } from './resources';
import { clusterOf, GiB, hostAttributes, seededRandom } from '../testing/cluster-fixture';

const sites = ['geneva', 'lausanne', 'zurich'];
const apps = ['web', 'db', 'cache', 'payment'];

const hostArb = fc.record({
  site: fc.constantFrom(...sites),
  securityLevel: fc.integer({ min: 0, max: 4 }),
  cpu: fc.integer({ min: 500, max: 8000 }),
  memory: fc.integer({ min: 1, max: 16 }),
  storage: fc.integer({ min: 1, max: 100 }),
  process: fc.boolean(),
});

const requestArb = fc.record({
  service: fc.constantFrom('shop', 'bank'),
  app: fc.constantFrom(...apps),
  cpu: fc.integer({ min: 100, max: 3000 }),
  memory: fc.integer({ min: 1, max: 6 }),
  storage: fc.integer({ min: 1, max: 40 }),
  minSecurityLevel: fc.integer({ min: 0, max: 4 }),
  sites: fc.option(fc.subarray(sites, { minLength: 1 }), { nil: undefined }),
  antiAffinity: fc.subarray(apps.map((a) => appKey('shop', a))),
  limit: fc.constantFrom<'log2' | 'all'>('log2', 'all'),
});

/** Every rule the filters enforce, checked from scratch over the final allocations. */
function violations(state: ClusterState, requests: Map<string, PlacementRequest>): string[] {
  const found: string[] = [];
  for (const host of state.hosts) {
    const here = state.allocationsOn(host.id);
    for (const kind of resourceKinds) {
      const used = here.reduce((sum, a) => sum + a.resources[kind], 0);
      if (used > host.capacity[kind]) found.push(`${host.id} over-committed on ${kind}`);
    }
    for (const a of here) {
      const req = requests.get(a.instance)!;
      if (host.securityLevel < (req.minSecurityLevel ?? 0))
        found.push(`${a.instance} below security level`);
      if (req.sites && !req.sites.includes(host.site))
        found.push(`${a.instance} outside its sites`);
      if (!host.layers.includes(req.layer)) found.push(`${a.instance} without its layer`);
      for (const b of here) {
        if (a === b) continue;
        if (a.excludes.includes(appKey(b.service, b.app)))
          found.push(`${a.instance} shares ${host.id} with ${b.instance}`);
      }
    }
  }
  return found;
}

describe('placement plans (property)', () => {
  it('never violate capacity, anti-affinity, security level, layer or allowed sites', () => {
    fc.assert(
      fc.property(
        fc.array(hostArb, { minLength: 1, maxLength: 12 }),
        fc.array(requestArb, { minLength: 1, maxLength: 40 }),
        fc.integer(),
        (hosts, reqs, seed) => {
          const state = clusterOf(
            ...hosts.map((h, i) =>
              hostAttributes(`h${i}`, {
                site: h.site,
                securityLevel: h.securityLevel,
                layers: h.process ? ['process'] : ['qemu'],
                capacity: {
                  cpu: h.cpu,
                  memory: h.memory * GiB,
                  storage: h.storage * GiB,
                  bandwidth: 1e9,
                },
              }),
            ),
          );
          const requests = new Map<string, PlacementRequest>();
          const stack = new PlacementStack({
            random: seededRandom(seed),
            candidateLimit: reqs[0].limit,
          });
          reqs.forEach((r, i) => {
            const req: PlacementRequest = {
              instance: `i${i}`,
              service: r.service,
              app: r.app,
              layer: 'process',
              resources: {
                cpu: r.cpu,
                memory: r.memory * GiB,
                storage: r.storage * GiB,
                bandwidth: 1e6,
              },
              minSecurityLevel: r.minSecurityLevel,
              sites: r.sites,
              antiAffinity: r.antiAffinity,
              spread: [],
            };
            requests.set(req.instance, req);
            const [decision] = stack.decideBatch([req], state);
            if (decision.outcome === 'failed') {
              const counted = Object.values(decision.explanation.rejected).reduce(
                (a, b) => a + (b ?? 0),
                0,
              );
              expect(counted).toBe(state.hosts.length);
            }
          });
          expect(violations(state, requests)).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
