import type { MigrationSummary } from '@federa/contracts';
import type { ApiClient } from '../api-client';
import { finalMigrationText, migrationLines, printMigration, progressLine } from './migrate';

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

describe('migrate --wait', () => {
  let stdout: string[];
  let stderr: string[];
  beforeEach(() => {
    stdout = [];
    stderr = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((text) => !!stdout.push(String(text)));
    jest.spyOn(process.stderr, 'write').mockImplementation((text) => !!stderr.push(String(text)));
    process.exitCode = undefined;
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.exitCode = undefined;
  });

  /** An API whose migration reads as each of `states` in turn, then the last one. */
  function apiReading(...states: MigrationSummary['state'][]): ApiClient {
    let read = 0;
    const get = () =>
      Promise.resolve({ ...base, state: states[Math.min(read++, states.length - 1)] });
    return { get } as unknown as ApiClient;
  }

  it('exits 4 and prints the migration when it was rolled back', async () => {
    await printMigration(apiReading('running', 'rolled-back'), base, { wait: true });
    expect(process.exitCode).toBe(4);
    expect(stdout.join('')).toContain('State:     rolled-back');
  });

  it('exits 0 once it succeeded, with -o yaml: YAML alone on stdout, progress on stderr', async () => {
    await printMigration(apiReading('succeeded'), base, { wait: true, output: 'yaml' });
    expect(process.exitCode).toBe(0);
    expect(stdout.join('')).toMatch(/^id: mig-1\n/);
    expect(stdout.join('')).toContain('state: succeeded');
    expect(stderr.join('')).toContain('2/7 export (running)');
  });

  it('prints only the id with -o name', async () => {
    await printMigration(apiReading('succeeded'), base, { wait: true, output: 'name' });
    expect(stdout.join('')).toBe('mig-1\n');
  });

  it('exits 5 and says the migration goes on when --timeout passes first', async () => {
    await printMigration(apiReading('running'), base, { wait: true, timeoutMs: 20 });
    expect(process.exitCode).toBe(5);
    expect(stderr.join('')).toContain('--timeout passed while migration mig-1 was running');
  });

  it('renders json, yaml and name as without --wait, and the describe lines for people', () => {
    expect(JSON.parse(finalMigrationText('json', base))).toEqual(base);
    expect(finalMigrationText('name', base)).toBe('mig-1');
    expect(finalMigrationText('table', base)).toBe(migrationLines(base).join('\n'));
  });
});
