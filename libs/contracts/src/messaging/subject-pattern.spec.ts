import { subjectMatches } from './subject-pattern';

describe('subjectMatches', () => {
  it.each([
    ['p.cmd.inventory.drain', 'p.cmd.inventory.drain'],
    ['p.agent.*.cmd', 'p.agent.h2.cmd'],
    ['p.agent.*.heartbeat', 'p.agent.h-1.heartbeat'],
    ['p.cmd.>', 'p.cmd.inventory.drain'],
    ['p.cmd.>', 'p.cmd.x'],
  ])('accepts a subscription %s receiving %s', (pattern, subject) => {
    expect(subjectMatches(pattern, subject)).toBe(true);
  });

  it.each([
    ['p.cmd.inventory.drain', '$O.p-data-h1.C.x1'],
    ['p.agent.h2.cmd', '$O.p-data-h1.C.x1'],
    ['p.agent.*.cmd', '$KV.p-endpoints.h1.x'],
    ['p.agent.*.cmd', 'p.agent.h2.cmd.more'],
    ['p.agent.*.cmd', 'p.agent.cmd'],
    ['p.cmd.>', 'p.cmd'],
    ['p.cmd.inventory.drain', 'p.cmd.inventory'],
    ['p.events.>', 'q.events.x'],
  ])('refuses a subscription %s receiving %s', (pattern, subject) => {
    expect(subjectMatches(pattern, subject)).toBe(false);
  });

  it('reads * as one token and > as one or more', () => {
    expect(subjectMatches('a.*.c', 'a.b.c')).toBe(true);
    expect(subjectMatches('a.*.c', 'a.b.d.c')).toBe(false);
    expect(subjectMatches('a.>', 'a.b.c')).toBe(true);
    expect(subjectMatches('a.>', 'a')).toBe(false);
    expect(subjectMatches('a.b', 'a.b.c')).toBe(false);
  });
});
