import { SubjectGuard } from './subject-guard';

describe('SubjectGuard', () => {
  it('admits subjects its subscription asked for without saying anything', () => {
    const said: string[] = [];
    const guard = new SubjectGuard('p.agent.*.cmd', (line) => said.push(line));
    expect(guard.admits('p.agent.h1.cmd')).toBe(true);
    expect(said).toEqual([]);
  });

  it('drops a foreign subject, naming it and the subscription, once per interval with the count', () => {
    let now = 0;
    const said: string[] = [];
    const guard = new SubjectGuard(
      'p.agent.h2.cmd',
      (line) => said.push(line),
      1000,
      () => now,
    );
    expect(guard.admits('$O.p-data-h1.C.x1')).toBe(false);
    expect(guard.admits('$O.p-data-h1.C.x2')).toBe(false);
    now = 999;
    expect(guard.admits('$O.p-data-h1.C.x3')).toBe(false);
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('p.agent.h2.cmd');
    expect(said[0]).toContain('$O.p-data-h1.C.x1');
    now = 1000;
    expect(guard.admits('$O.p-data-h1.C.x4')).toBe(false);
    expect(said).toHaveLength(2);
    expect(said[1]).toMatch(/dropped 3 message/);
  });
});
