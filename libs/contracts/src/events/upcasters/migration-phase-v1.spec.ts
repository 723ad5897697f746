import { validateEvent } from '../validate-event';
import { upcast } from '../upcasters';

describe('migration phases of the first schema', () => {
  const ref = { migration: 'm-1', instance: 'i-1' };

  it.each([
    ['reserve', 'choose-target'],
    ['stop', 'stop-source'],
    ['copy', 'export'],
    ['transfer', 'live-transfer'],
    ['start', 'start-target'],
    ['verify', 'verify'],
  ])('read a v1 phase %s as %s', (old, current) => {
    const stored = {
      type: 'MigrationPhaseCompleted',
      schemaVersion: 1,
      data: {
        ...ref,
        phase: old,
        startedAt: '2026-01-01T00:00:00Z',
        endedAt: '2026-01-01T00:00:01Z',
      },
    };
    expect(upcast(stored).data).toMatchObject({ phase: current });
    expect(stored.data.phase).toBe(old);
  });

  it('read a v1 MigrationFailed in the current phase names, valid at v2', () => {
    const event = upcast({
      type: 'MigrationFailed',
      schemaVersion: 1,
      data: { ...ref, phase: 'copy', reason: 'target gone' },
    });
    expect(event).toMatchObject({ schemaVersion: 2, data: { phase: 'export' } });
    expect(validateEvent(event.type, event.schemaVersion, event.data)).toEqual([]);
  });
});
