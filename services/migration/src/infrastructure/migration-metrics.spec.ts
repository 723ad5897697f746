import { migrationsByPhase, phaseOf } from './migration-metrics';

const ended = '2026-01-01T00:00:05Z';

describe('migration metrics', () => {
  it('places a saga in the phase it started and has not ended', () => {
    expect(
      phaseOf('running', [
        { name: 'choose-target', endedAt: ended },
        { name: 'stop-source', endedAt: undefined },
      ]),
    ).toBe('stop-source');
  });

  it('places a saga between two phases in the one it last ended', () => {
    expect(phaseOf('running', [{ name: 'choose-target', endedAt: ended }])).toBe('choose-target');
  });

  it('places a saga with no phase yet in pending, and one undoing its steps in rolling-back', () => {
    expect(phaseOf('pending', [])).toBe('pending');
    expect(phaseOf('rolling-back', [{ name: 'import', endedAt: undefined }])).toBe('rolling-back');
  });

  it('counts sagas by phase, every phase shown', () => {
    const counts = migrationsByPhase([
      { status: 'running', phases: [{ name: 'export', endedAt: undefined }] },
      { status: 'running', phases: [{ name: 'export', endedAt: undefined }] },
      { status: 'pending', phases: [] },
    ]);
    expect(counts.get('export')).toBe(2);
    expect(counts.get('pending')).toBe(1);
    expect(counts.get('verify')).toBe(0);
    expect(counts.get('rolling-back')).toBe(0);
    expect([...counts.values()].reduce((a, b) => a + b)).toBe(3);
  });
});
