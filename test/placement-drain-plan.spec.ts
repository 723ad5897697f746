import { DrainPlan, validatePayload } from '@federa/contracts';
import { eventually } from '@federa/testing';
import { hostConfig } from './agent-harness';
import { Fleet } from './supervision-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';
import { costPerHour } from '../services/placement/src/domain/cost-model';
import type { HostEntry } from '../services/placement/src/domain/host-entry';

const app = (name: string, extra: string) => `
    - name: ${name}
      layer: process
      artifact: { command: [node, examples/apps/kv-store.js] }
      resources: { cpu: 250m, memory: 128Mi, storage: 1Gi }
      health: { http: { path: /healthz }, intervalMs: 500, failureThreshold: 3 }
      ${extra}`;

/** web → api → catalog-db, and a pinned application the drain must leave where it is. */
const shopYaml = `
apiVersion: federa/v1
kind: Service
metadata: { name: shop }
spec:
  applications:${app('catalog-db', 'data: { path: data }')}${app('api', 'dependsOn: [catalog-db]')}${app(
    'web',
    `dependsOn: [api]
      replicas: { min: 2, max: 2 }`,
  )}${app('pinned', 'placement: { relocatable: false }')}
`;

type Instance = { id: string; app: string; host: string; state: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers (plans, errors, events), checked by the expectations
type Json = any;

/**
 * `POST /v1/hosts/{id}/drain?dryRun=true` and `/replace?dryRun=true` through the gateway, answered
 * by the real placement service from the log that inventory, supervision and real agents wrote.
 */
describe('the drain plan (what-if) of a host', () => {
  let plane: ControlPlane;
  let fleet: Fleet;

  const instances = async (): Promise<Instance[]> =>
    (await plane.call('GET', '/v1/instances?service=shop')).json.items;
  /** The events after `after`, read page by page through the API. */
  const eventsAfter = async (after: number): Promise<Json[]> => {
    const events: Json[] = [];
    for (;;) {
      const page = (await plane.call('GET', `/v1/events?after=${after}&limit=1000`)).json;
      if (page.items.length === 0) return events;
      events.push(...page.items);
      after = page.next;
    }
  };
  const logEnd = async (): Promise<number> => {
    const events = await eventsAfter(0);
    return events.length > 0 ? events[events.length - 1].position : 0;
  };
  /** The plan once placement has folded the hosts that joined after the deploy (both can take work). */
  const settledPlan = async (path: string, body?: object): Promise<Json> =>
    eventually(
      async () => {
        const answer = await plane.call('POST', path, body);
        return answer.status === 200 && answer.json.moves.length === 4 ? answer.json : undefined;
      },
      60_000,
      200,
    );

  beforeAll(async () => {
    plane = await startControlPlane('drain_plan');
    // Only d1 is there for the deploy, so that every instance lands on it.
    fleet = await Fleet.start(plane, ['d1']);
    await plane.call('PUT', '/v1/services/shop', shopYaml, 'application/yaml');
    await plane.call('POST', '/v1/services/shop/deploy');
    await eventually(
      async () => (await instances()).filter((i) => i.state === 'healthy').length === 5,
      90_000,
      200,
    );
    await fleet.startHost('d2');
    await fleet.startHost('d3');
  }, 180_000);

  afterAll(async () => {
    await fleet?.close();
    await plane?.close();
  });

  it('lists every instance with a target on another host, dependents first, the pinned one blocked, and the cost per hour before and after', async () => {
    const plan = await settledPlan('/v1/hosts/d1/drain?dryRun=true');
    expect(validatePayload(DrainPlan, plan).ok).toBe(true);
    const byId = new Map((await instances()).map((i) => [i.id, i]));
    expect(plan.host).toBe('d1');
    expect(plan.moves.map((m: Json) => byId.get(m.instance)?.app)).toEqual([
      'web',
      'web',
      'api',
      'catalog-db',
    ]);
    for (const move of plan.moves) {
      expect(move).toMatchObject({ service: 'shop', from: 'd1' });
      expect(['d2', 'd3']).toContain(move.to);
    }
    const modes = Object.fromEntries(plan.moves.map((m: Json) => [m.app, m.mode]));
    expect(modes).toEqual({
      web: 'make-before-break',
      api: 'make-before-break',
      'catalog-db': 'cold',
    });
    expect(plan.blocked).toEqual([
      {
        instance: [...byId.values()].find((i) => i.app === 'pinned')!.id,
        service: 'shop',
        app: 'pinned',
        reason: 'not relocatable (placement.relocatable: false)',
      },
    ]);

    // Every host has the same rates: each instance costs the same before and after its move.
    const rates = { ...hostConfig('d1'), features: { ups: false, raid: false } };
    const each = costPerHour(
      { cpu: 250, memory: 128 * 1024 ** 2, storage: 1024 ** 3, bandwidth: 0 },
      rates as unknown as HostEntry,
    );
    for (const move of plan.moves) {
      expect(move.costPerHour.before).toBeCloseTo(each, 6);
      expect(move.costPerHour.after).toBeCloseTo(each, 6);
    }
    expect(plan.costPerHour.before).toBeCloseTo(5 * each, 5);
    expect(plan.costPerHour.after).toBeCloseTo(5 * each, 5);
  }, 90_000);

  it('appends nothing about hosts, claims or moves, and leaves the host ready', async () => {
    await settledPlan('/v1/hosts/d1/drain?dryRun=true');
    const before = await logEnd();
    const plan = await plane.call('POST', '/v1/hosts/d1/drain?dryRun=true');
    expect(plan.status).toBe(200);
    const replace = await plane.call('POST', '/v1/hosts/d1/replace?dryRun=true', { with: 'd3' });
    expect(replace.status).toBe(200);
    // Agents and supervision may append on their own meanwhile; nothing about hosts, claims or moves.
    const appended = await eventsAfter(before);
    expect(
      appended.filter((e) => /^(Host|Migration|InstancePlaced|InstanceRelocated)/.test(e.type)),
    ).toEqual([]);
    expect((await plane.call('GET', '/v1/hosts/d1')).json).toMatchObject({ state: 'ready' });
  }, 90_000);

  it('sends every move of a replacement to the named new host', async () => {
    const plan = await settledPlan('/v1/hosts/d1/replace?dryRun=true', { with: 'd3' });
    expect(plan.with).toBe('d3');
    expect(plan.moves.map((m: Json) => m.to)).toEqual(['d3', 'd3', 'd3', 'd3']);
    expect(plan.blocked.map((b: Json) => b.app)).toEqual(['pinned']);
  }, 90_000);

  it('refuses an unknown host, and a replacement that is the host itself or unknown, naming the field', async () => {
    const unknown = await plane.call('POST', '/v1/hosts/nowhere/drain?dryRun=true');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toContain('nowhere');
    const itself = await plane.call('POST', '/v1/hosts/d1/replace?dryRun=true', { with: 'd1' });
    expect(itself.status).toBe(400);
    expect(itself.json.error.details).toEqual([expect.objectContaining({ path: 'with' })]);
    const absent = await plane.call('POST', '/v1/hosts/d1/replace?dryRun=true', { with: 'd9' });
    expect(absent.status).toBe(409);
    expect(absent.json.error.details).toEqual([expect.objectContaining({ path: 'with' })]);
  }, 30_000);
});
