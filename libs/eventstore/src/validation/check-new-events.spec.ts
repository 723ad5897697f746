import { ValidationFailed } from '@federa/contracts';
import { checkNewEvents } from './check-new-events';
import { acceptAnyObject } from './event-validator';

const metadata = { correlationId: 'c-1', actor: 'tester', occurredAt: '2025-01-01T00:00:00Z' };
const newId = () => '11111111-2222-4333-8444-555555555555';

describe('checking a batch before it is appended', () => {
  it('gives events without an id a new one and settles the schema version', () => {
    const [event] = checkNewEvents(
      'host-a',
      [{ type: 'HostCordoned', data: {}, metadata }],
      acceptAnyObject,
      newId,
    );
    expect(event).toMatchObject({ eventId: newId(), schemaVersion: 1 });
  });

  it('lists every bad field of every event with its path', () => {
    const id = '0f0f0f0f-0000-4000-8000-000000000000';
    let error: ValidationFailed | undefined;
    try {
      checkNewEvents(
        'host-a',
        [
          { eventId: id, type: 'HostCordoned', data: {}, metadata },
          { eventId: id, type: 'HostCordoned', data: [], metadata: { ...metadata, actor: '' } },
        ],
        acceptAnyObject,
        newId,
      );
    } catch (e) {
      error = e as ValidationFailed;
    }
    expect(error?.errors).toEqual([
      { path: 'events[1].eventId', reason: 'appears twice in the batch' },
      { path: 'events[1].metadata.actor', reason: 'must be a non-empty string' },
      { path: 'events[1].data', reason: 'must be an object' },
    ]);
  });

  it('refuses an empty batch', () => {
    expect(() => checkNewEvents('host-a', [], acceptAnyObject, newId)).toThrow(ValidationFailed);
  });
});
