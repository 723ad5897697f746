import { readFileSync } from 'node:fs';
import { EVENT_CATALOGUE_PATH, eventCatalogueMarkdown } from './event-catalogue-file';
import { EVENT_CATALOGUE_COMMAND } from './render-event-catalogue';

describe('the checked-in event catalogue', () => {
  it('is what the event registry renders today', () => {
    const checkedIn = readFileSync(EVENT_CATALOGUE_PATH, 'utf8').split('\n');
    const rendered = eventCatalogueMarkdown().split('\n');
    const lines = Math.max(checkedIn.length, rendered.length);
    const line = Array.from({ length: lines }, (_, i) => i).find(
      (i) => checkedIn[i] !== rendered[i],
    );
    const stale =
      line === undefined
        ? undefined
        : `docs/reference/events.md differs from the registry at line ${line + 1}: run ${EVENT_CATALOGUE_COMMAND}`;
    expect(stale).toBeUndefined();
  });
});
