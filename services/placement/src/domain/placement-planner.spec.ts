import type { InstanceRequestedData } from '@federa/contracts';
import { decideInstance } from '@federa/instance-lifecycle';
import { InstanceLives } from './instance-lives';
import { isDropped } from './placement-answer';
import { PlacementPlanner } from './placement-planner';
import { PlacementStack } from './placement-stack';
import { clusterOf, GiB, hostAttributes, request, seededRandom } from '../testing/cluster-fixture';

function requested(instance: string): InstanceRequestedData {
  return {
    service: 'shop',
    app: 'web',
    instance,
    layer: 'process',
    resources: {
      cpuMillis: 500,
      memoryBytes: 128 * 1024 ** 2,
      storageBytes: GiB,
      bandwidthBps: 1e8,
    },
    revision: 1,
    reason: 'deploy',
  };
}

/** Lives where each instance was requested (version 1). */
function pending(...instances: string[]): InstanceLives {
  const lives = new InstanceLives();
  for (const instance of instances) {
    lives.fold(instance, { type: 'InstanceRequested', data: requested(instance) }, 1);
  }
  return lives;
}

/** Stops a pending instance as its own writer would, through the instance decider. */
function stop(lives: InstanceLives, instance: string): void {
  const { life, version } = lives.of(instance);
  const [event] = decideInstance({ type: 'request-stop', reason: 'requested' }, life);
  lives.fold(instance, event, version + 1);
}

const planner = () => new PlacementPlanner(new PlacementStack({ random: seededRandom(7) }));
/** Room for two webs per host. */
const roomForTwo = { cpu: 1000, memory: 32 * GiB, storage: 500 * GiB, bandwidth: 10e9 };

describe('the placement planner', () => {
  it('plans each pending instance as the event its stream records, at the version it folded', () => {
    const state = clusterOf(hostAttributes('h1'));
    const plan = planner().plan([request('w1')], state, pending('w1'));
    expect(plan.dropped).toEqual([]);
    expect(plan.instances).toHaveLength(1);
    const [w1] = plan.instances;
    expect(w1.expected).toBe(1);
    expect(w1.event).toMatchObject({
      type: 'InstancePlaced',
      data: { instance: 'w1', host: 'h1' },
    });
    expect(plan.ledgers.get('h1')).toEqual([
      expect.objectContaining({
        instance: 'w1',
        change: 'reserved',
        allocated: expect.objectContaining({ cpuMillis: 500 }),
      }),
    ]);
    expect(state.allocation('w1')?.host).toBe('h1');
  });

  it('never plans an instance that is not pending, and says why', () => {
    const lives = pending('w1', 'w2');
    stop(lives, 'w2');
    const state = clusterOf(hostAttributes('h1'));
    const plan = planner().plan([request('w1'), request('w2'), request('w3')], state, lives);
    expect(plan.instances.map((p) => p.decision.request.instance)).toEqual(['w1']);
    expect(plan.dropped.map((d) => [d.request.instance, d.reason])).toEqual([
      ['w2', 'instance is stopped'],
      ['w3', 'instance is absent'],
    ]);
    expect(state.allocation('w2')).toBeUndefined();
  });

  it('decides an instance asked twice in one round once', () => {
    const state = clusterOf(hostAttributes('h1'));
    const plan = planner().plan([request('w1'), request('w1')], state, pending('w1'));
    expect(plan.instances).toHaveLength(1);
    expect(plan.dropped.map((d) => d.reason)).toEqual(['instance is asked twice in one round']);
  });

  it('records a request no host can take as PlacementFailed, with no reservation', () => {
    const state = clusterOf(hostAttributes('h1', { layers: ['qemu'] }));
    const plan = planner().plan([request('w1')], state, pending('w1'));
    expect(plan.instances[0].event).toMatchObject({
      type: 'PlacementFailed',
      data: { instance: 'w1', reasons: [{ filter: 'layer', hosts: 1 }] },
    });
    expect(plan.ledgers.size).toBe(0);
  });

  it('undoes chosen placements: their claims leave the state and the host’s running totals are counted again', () => {
    const state = clusterOf(hostAttributes('h1', { capacity: { ...roomForTwo, cpu: 1500 } }));
    const thePlanner = planner();
    const plan = thePlanner.plan(
      [request('w1'), request('w2'), request('w3')],
      state,
      pending('w1', 'w2', 'w3'),
    );
    expect(plan.ledgers.get('h1')!.map((r) => r.allocated.cpuMillis)).toEqual([500, 1000, 1500]);

    const undone = thePlanner.undo(plan, (p) => p.decision.request.instance === 'w2', state);
    expect(undone.map((p) => p.decision.request.instance)).toEqual(['w2']);
    expect(state.allocation('w2')).toBeUndefined();
    expect(state.host('h1')!.allocated.cpu).toBe(1000);
    expect(plan.ledgers.get('h1')!.map((r) => [r.instance, r.allocated.cpuMillis])).toEqual([
      ['w1', 500],
      ['w3', 1000],
    ]);

    thePlanner.undo(plan, () => true, state);
    expect(plan.instances).toEqual([]);
    expect(plan.ledgers.size).toBe(0);
    expect(state.allocationCount).toBe(0);
  });

  it('re-decides against the stream as it now is: refused once the instance was stopped', () => {
    const lives = pending('w1');
    const state = clusterOf(hostAttributes('h1'));
    const thePlanner = planner();
    const [planned] = thePlanner.plan([request('w1')], state, lives).instances;
    stop(lives, 'w1');
    const again = thePlanner.redecide(planned, lives.of('w1'));
    expect(isDropped(again) && again.reason).toMatch(/w1 is stopped: place refused/);
  });

  it('re-decides against the stream as it now is: the same event at the new version while still pending', () => {
    const lives = pending('w1');
    const state = clusterOf(hostAttributes('h1'));
    const thePlanner = planner();
    const [planned] = thePlanner.plan([request('w1')], state, lives).instances;
    // A writer from before the decider asked again: the stream moved on, the instance still waits.
    lives.fold('w1', { type: 'InstanceRequested', data: requested('w1') }, 2);
    const again = thePlanner.redecide(planned, lives.of('w1'));
    expect(isDropped(again)).toBe(false);
    expect(again).toMatchObject({ expected: 2, event: planned.event });
  });

  it('leaves room for two per host: the third request of a full cluster fails', () => {
    const state = clusterOf(hostAttributes('h1', { capacity: roomForTwo }));
    const plan = planner().plan(
      [request('w1'), request('w2'), request('w3')],
      state,
      pending('w1', 'w2', 'w3'),
    );
    expect(plan.instances.map((p) => p.event.type)).toEqual([
      'InstancePlaced',
      'InstancePlaced',
      'PlacementFailed',
    ]);
  });
});
