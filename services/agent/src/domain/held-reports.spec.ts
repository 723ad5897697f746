import { HeldReports } from './held-reports';

const state = (instance: string, state: string, at: number) => ({
  draft: { kind: 'instance' as const, instance, state },
  at,
});

describe('reports held before the first epoch', () => {
  it('keep everything, in order, up to their capacity', () => {
    const held = new HeldReports(3);
    held.push(state('a-1', 'running', 1));
    held.push(state('a-1', 'healthy', 2));
    held.push(state('a-2', 'running', 3));
    expect(held.takeAll().map((r) => r.at)).toEqual([1, 2, 3]);
    expect(held.size).toBe(0);
    expect(held.dropped).toBe(0);
  });

  it("past their capacity keep each instance's newest state, counting what they drop", () => {
    const held = new HeldReports(3);
    for (let at = 1; at <= 100; at++) held.push(state(`a-${at % 2}`, `s${at}`, at));
    const kept = held.takeAll();
    expect(kept.map((r) => [r.draft.instance, r.draft.state])).toEqual([
      ['a-1', 's99'],
      ['a-0', 's100'],
    ]);
    expect(held.dropped).toBe(98);
  });

  it('drop the oldest when newest states alone still pass the capacity', () => {
    const held = new HeldReports(2);
    for (let at = 1; at <= 5; at++) held.push(state(`a-${at}`, 'running', at));
    held.push({ draft: { kind: 'command', instance: 'a-9', commandId: 'c-1' }, at: 6 });
    expect(held.takeAll().map((r) => r.at)).toEqual([5, 6]);
    expect(held.dropped).toBe(4);
  });
});
