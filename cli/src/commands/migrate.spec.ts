import type { MigrationSummary } from '@federa/contracts';
import { migrationLines, progressLine } from './migrate';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const base: MigrationSummary = {
  id: 'mig-1',
  instance: 'shop-db-a1b2c3',
  service: 'shop',
  app: 'db',
  from: 'h1',
  to: 'h2',
  mode: 'cold',
  state: 'running',
  phases: [
    { name: 'choose-target', startedAt: at(0), endedAt: at(1) },
    { name: 'stop-source', startedAt: at(1), endedAt: at(2) },
    { name: 'export', startedAt: at(2), endedAt: null },
  ],
  bytesCopied: null,
  downtimeMs: null,
  reason: null,
};

describe('migration progress', () => {
  it('shows the phases ended out of a cold move with data and the one running', () => {
    expect(progressLine(base)).toBe('[##-----] 2/7 export (running)');
  });

  it('counts a make-before-break move as five phases, and an ended one as what it went through', () => {
    const stateless = {
      ...base,
      phases: [base.phases[0], { name: 'start-target' as const, startedAt: at(1), endedAt: null }],
    };
    expect(progressLine(stateless)).toBe('[#----] 1/5 start-target (running)');
    const rolledBack = { ...base, state: 'rolled-back' as const, reason: 'import: gone' };
    expect(progressLine(rolledBack)).toBe('[##-] 2/3 export (rolled-back)');
    expect(migrationLines(rolledBack)).toContain('Reason:    import: gone');
  });

  it('describes a finished move with its bytes, downtime and every phase', () => {
    const done = {
      ...base,
      state: 'succeeded' as const,
      bytesCopied: 2048,
      downtimeMs: 1500,
      phases: base.phases.map((p) => ({ ...p, endedAt: p.endedAt ?? at(3) })),
    };
    expect(progressLine(done)).toBe('[###] 3/3 export (succeeded, 2048 bytes copied)');
    expect(migrationLines(done)).toEqual(
      expect.arrayContaining([
        'Copied:    2048 bytes',
        'Downtime:  1500 ms',
        `  export          ${at(2)} → ${at(3)}`,
      ]),
    );
  });
});
