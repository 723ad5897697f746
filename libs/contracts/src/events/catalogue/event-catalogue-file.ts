import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EventTypes } from '../event-registry';
import { streamIds, StreamCategories } from '../stream-ids';
import { upcasters } from '../upcasters';
import { readDocComments, type SourceText } from './doc-comments';
import { renderEventCatalogue } from './render-event-catalogue';

const contractsSource = join(__dirname, '..', '..');
const repositoryRoot = join(contractsSource, '..', '..', '..');

/** Where the catalogue is checked in. */
export const EVENT_CATALOGUE_PATH = join(repositoryRoot, 'docs', 'reference', 'events.md');

/** The shapes of each category's stream ids, from the functions that build them. */
const streamIdShapes: Record<(typeof StreamCategories)[number], string[]> = {
  host: [streamIds.host('<host>')],
  service: [streamIds.service('<service>')],
  instance: [streamIds.instance('<instance>')],
  migration: [streamIds.migration('<migration>')],
  statistics: [streamIds.statistics('<instance>'), streamIds.forecast('<scope>', '<subject>')],
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
    docs: readDocComments(contractsSources()),
    documentedElsewhere: { ServiceSpec: 'service-spec.md' },
  });
}

function contractsSources(): SourceText[] {
  const files = (readdirSync(contractsSource, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'))
    .sort();
  return files.map((file) => ({
    fileName: relative(repositoryRoot, join(contractsSource, file)),
    text: readFileSync(join(contractsSource, file), 'utf8'),
  }));
}

/** Writes the catalogue where it is checked in (`npm run docs:events`). */
export function writeEventCatalogue(): string {
  writeFileSync(EVENT_CATALOGUE_PATH, eventCatalogueMarkdown());
  return relative(process.cwd(), EVENT_CATALOGUE_PATH);
}
