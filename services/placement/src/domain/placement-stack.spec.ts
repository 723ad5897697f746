import { PlacementStack } from './placement-stack';
import { clusterOf, GiB, hostAttributes, request, seededRandom } from '../testing/cluster-fixture';

describe('placement stack', () => {
  it('places on the cheapest feasible host and records every scorer’s part', () => {
    const state = clusterOf(
      hostAttributes('dear', {
        costs: { cpuHour: 0.4, memoryGiBHour: 0.05, storageGiBMonth: 1, networkGiB: 0.1 },
      }),
      hostAttributes('cheap'),
    );
    const decision = new PlacementStack({ random: seededRandom(1) }).decide(
      request('w1', { emphasis: 'bandwidth' }),
      state,
    );
    expect(decision.outcome).toBe('placed');
    if (decision.outcome !== 'placed') return;
    expect(decision.allocation.host).toBe('cheap');
    expect(Object.keys(decision.chosen.scores).sort()).toEqual(['binpack', 'cost', 'emphasis']);
    expect(decision.candidates.map((c) => c.host)).toEqual(['cheap', 'dear']);
    expect(decision.explanation.summary).toContain('placed on cheap');
  });

  it('fails with per-reason counts of rejected hosts', () => {
    const tinyDisk = { cpu: 8000, memory: 32 * GiB, storage: 0.1 * GiB, bandwidth: 10e9 };
    const state = clusterOf(
      hostAttributes('a', { capacity: tinyDisk }),
      hostAttributes('b', { capacity: tinyDisk }),
      hostAttributes('c', { capacity: tinyDisk }),
      hostAttributes('d', { securityLevel: 1 }),
      hostAttributes('e', { securityLevel: 2 }),
    );
    const decision = new PlacementStack().decide(request('w1', { minSecurityLevel: 3 }), state);
    expect(decision.outcome).toBe('failed');
    expect(decision.explanation.rejected).toEqual({ 'capacity:storage': 3, 'security-level': 2 });
    expect(decision.explanation.hostsVisited).toBe(5);
    expect(decision.explanation.summary).toContain(
      '3 hosts lacked storage, 2 hosts were below security level 3',
    );
  });

  it('says so when no host is registered', () => {
    const decision = new PlacementStack().decide(request('w1'), clusterOf());
    expect(decision.outcome).toBe('failed');
    expect(decision.explanation.summary).toContain('no host is registered');
  });

  it('places a batch so that each placement sees the ones before it', () => {
    const state = clusterOf(hostAttributes('h1'), hostAttributes('h2'), hostAttributes('h3'));
    const web = (id: string) => request(id, { antiAffinity: ['shop/web'] });
    const decisions = new PlacementStack().decideBatch(
      [web('w1'), web('w2'), web('w3'), web('w4')],
      state,
    );
    const hosts = decisions.map((d) => (d.outcome === 'placed' ? d.allocation.host : 'none'));
    expect(new Set(hosts.slice(0, 3)).size).toBe(3);
    expect(hosts[3]).toBe('none');
    expect(decisions[3].explanation.rejected).toEqual({ 'anti-affinity': 3 });
    expect(state.allocationCount).toBe(3);
  });

  it('undoes a batch, restoring the claims it replaced', () => {
    const state = clusterOf(hostAttributes('h1'), hostAttributes('h2'));
    const stack = new PlacementStack();
    stack.decideBatch([request('w1')], state);
    const before = state.allocation('w1')!.host;
    state.setCordoned(before, true);
    const batch = stack.decideBatch([request('w1'), request('w2')], state);
    expect(state.allocation('w1')!.host).not.toBe(before);
    stack.undoBatch(batch, state);
    expect(state.allocation('w1')!.host).toBe(before);
    expect(state.allocation('w2')).toBeUndefined();
  });

  it('keeps a non-relocatable instance on its host and explains why others were refused', () => {
    const state = clusterOf(hostAttributes('h1'), hostAttributes('h2'), hostAttributes('h3'));
    const stack = new PlacementStack();
    const db = request('d1', { app: 'db', relocatable: false });
    const [first] = stack.decideBatch([db], state);
    const home = first.outcome === 'placed' ? first.allocation.host : '';
    state.setState(home, 'down');
    const again = stack.decide(db, state);
    expect(again.outcome).toBe('failed');
    expect(again.explanation.rejected).toEqual({ 'relocation-ban': 2, 'not-ready': 1 });
  });

  it('visits only part of a large cluster for a plain placement and says how much', () => {
    const hosts = Array.from({ length: 1024 }, (_, i) => hostAttributes(`h${i}`));
    const decision = new PlacementStack({ random: seededRandom(7) }).decide(
      request('w1'),
      clusterOf(...hosts),
    );
    expect(decision.explanation.candidateLimit).toBe(10);
    expect(decision.explanation.feasibleFound).toBe(10);
    expect(decision.explanation.hostsVisited).toBe(10);
    expect(decision.explanation.summary).toContain('10 of 1024 hosts');
  });

  it('scores every feasible host when asked to', () => {
    const hosts = Array.from({ length: 50 }, (_, i) => hostAttributes(`h${i}`));
    const decision = new PlacementStack({ candidateLimit: 'all' }).decide(
      request('w1'),
      clusterOf(...hosts),
    );
    expect(decision.explanation.feasibleFound).toBe(50);
    expect(decision.explanation.candidateLimit).toBeNull();
  });

  it('spreads instances of a spread rule over the sites', () => {
    const hosts = ['geneva', 'lausanne', 'zurich'].flatMap((site) =>
      Array.from({ length: 4 }, (_, i) => hostAttributes(`${site}-${i}`, { site })),
    );
    const state = clusterOf(...hosts);
    const spread = [{ over: 'site' as const, apps: ['shop/web'] }];
    const requests = Array.from({ length: 6 }, (_, i) => request(`w${i}`, { spread }));
    new PlacementStack({ random: seededRandom(3), candidateLimit: 'all' }).decideBatch(
      requests,
      state,
    );
    expect(
      ['geneva', 'lausanne', 'zurich'].map((site) => state.appCountOnSite(site, 'shop/web')),
    ).toEqual([2, 2, 2]);
  });

  it('binpacks onto one host while it has room', () => {
    const state = clusterOf(hostAttributes('h1'), hostAttributes('h2'));
    const stack = new PlacementStack({ candidateLimit: 'all' });
    stack.decideBatch([request('a'), request('b'), request('c')], state);
    expect(new Set(['a', 'b', 'c'].map((i) => state.allocation(i)!.host)).size).toBe(1);
  });
});
