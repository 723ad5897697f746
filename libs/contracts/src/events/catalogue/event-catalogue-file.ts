import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EventTypes } from '../event-registry';
import { streamIds, StreamCategories } from '../stream-ids';
import { upcasters } from '../upcasters';
import { readDocComments, type SourceText } from './doc-comments';
import { renderEventCatalogue } from './render-event-catalogue';

const eventsSource = join(__dirname, '..');
const repositoryRoot = join(eventsSource, '..', '..', '..', '..');

/** Where the catalogue is checked in. */
export const EVENT_CATALOGUE_PATH = join(repositoryRoot, 'docs', 'reference', 'events.md');

/** The shapes of each category's stream ids, from the functions that build them. */
const streamIdShapes: Record<(typeof StreamCategories)[number], string[]> = {
  host: [streamIds.host('<host>')],
  service: [streamIds.service('<service>')],
  instance: [streamIds.instance('<instance>')],
  migration: [streamIds.migration('<migration>')],
  statistics: [streamIds.statistics('<instance>')],
  budget: [streamIds.budget('<service>')],
  forecast: [streamIds.forecast('<scope>', '<subject>')],
  allocation: [streamIds.allocation('<host>')],
};

/** The catalogue as this build's contracts describe it. */
export function eventCatalogueMarkdown(): string {
  return renderEventCatalogue({
    types: EventTypes,
    upcasterFrom: (type, from) => upcasters.stepFrom(type, from),
    streams: StreamCategories.map((category) => ({
      category,
      streamIds: streamIdShapes[category],
    })),
    docs: readDocComments(eventSources()),
    documentedElsewhere: { ServiceSpec: 'service-spec.md' },
  });
}

/**
 * The sources of the event classes, where the catalogue's comments come from; nowhere else, so that a
 * class of the same name elsewhere in the contracts cannot lend one its comment.
 */
function eventSources(): SourceText[] {
  const files = (readdirSync(eventsSource, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .sort();
  return files.map((file) => ({
    fileName: relative(repositoryRoot, join(eventsSource, file)),
    text: readFileSync(join(eventsSource, file), 'utf8'),
  }));
}

/** Writes the catalogue where it is checked in (`npm run docs:events`). */
export function writeEventCatalogue(): string {
  writeFileSync(EVENT_CATALOGUE_PATH, eventCatalogueMarkdown());
  return relative(process.cwd(), EVENT_CATALOGUE_PATH);
}
