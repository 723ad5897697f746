import type { EventTypeInfo } from '../event-registry';
import type { Upcaster } from '../upcaster-registry';
import type { DocComments } from './doc-comments';
import { describeFields, type DataClass, type FieldDescription } from './field-descriptions';
import { markdownTable } from './markdown-table';

/** What the catalogue is made of; every part comes from the contracts, nothing is written by hand. */
export interface EventCatalogueInput {
  types: Record<string, EventTypeInfo>;
  /** The registered upcaster from one schema version of a type to the next. */
  upcasterFrom(type: string, fromVersion: number): Upcaster | undefined;
  /** Each stream category, in order, with the shapes of its stream ids. */
  streams: { category: string; streamIds: string[] }[];
  /** Doc comments of the data classes, their fields and the upcasters. */
  docs: DocComments;
  /** Classes documented on another page of the reference, by name: linked, not expanded. */
  documentedElsewhere: Record<string, string>;
}

export const EVENT_CATALOGUE_COMMAND = 'npm run docs:events';

/** The event catalogue (docs/reference/events.md) as Markdown. Pure: the same input, the same text. */
export function renderEventCatalogue(input: EventCatalogueInput): string {
  const names = Object.keys(input.types);
  const valueTypes = nestedClassesOf(
    names.map((n) => input.types[n].data),
    input,
  );
  const sections = [
    introduction(),
    streamsSection(input, names),
    versionsSection(input, names),
    summarySection(input, names),
    ...input.streams
      .filter((s) => names.some((n) => input.types[n].category === s.category))
      .map((s) => categorySection(input, s, names)),
    valueTypesSection(input, valueTypes),
  ];
  return `${sections.join('\n\n')}\n`;
}

function introduction(): string {
  return `# Event catalogue

<!-- Generated from the event registry by \`${EVENT_CATALOGUE_COMMAND}\`: edit the event classes, not this file. -->

Every change of state in Federa is an event, appended to one stream of an append-only log and never
changed afterwards. This page lists every event type, the stream it belongs to, its schema version and
each field of its \`data\`, with the rules the control plane checks before it appends one.

Read the events with \`GET /v1/events\` and \`GET /v1/events/stream\` ([REST API](rest-api.md)),
\`federa events\` ([CLI](cli.md)), or from NATS JetStream: the stream \`FEDERA_EVENTS\` holds every event
under the subject \`federa.events.<category>.<EventType>\` (\`federa\` is \`FEDERA_SUBJECT_PREFIX\`), in log
order, with the event id as the message id so that a consumer can drop duplicates.

## Envelope

${markdownTable(
  ['field', 'type', 'meaning'],
  [
    [
      '`position`',
      'integer',
      'place in the whole log: unique, handed out when an append starts, so not monotonic in commit (delivery) order',
    ],
    ['`streamId`', 'string', 'the stream, `<category>-<id>` (below)'],
    ['`streamVersion`', 'integer', 'place in its stream, from 1'],
    ['`type`', 'string', 'the event type (below)'],
    ['`schemaVersion`', 'integer', 'version of the shape of `data` (below)'],
    ['`data`', 'object', "the type's fields (below)"],
    [
      '`metadata`',
      'object',
      '`correlationId` (ties together the events of one request or decision), `causationId` (the `eventId` of the event that caused it; optional), `actor` (who caused it: `token:<name>` for an API token, `agent:<host>` for what an agent reported, a service such as `supervision` for its own decisions; carried on to the events it causes), `actorRole` (the role of the token `actor` names; optional), `decidedBy` (the service that decided and appended it; absent on events older than the audit), `occurredAt` (ISO 8601 time the change was observed), `traceparent` (the W3C trace context of the span that appended it, when its process traces; carried on to the events it causes; optional, see [traces](../OBSERVABILITY.md#traces)); see [the audit](../security/audit.md)',
    ],
    ['`eventId`', 'string', 'UUID; appending the same id twice stores it once'],
    ['`recordedAt`', 'string', 'ISO 8601 time the log stored it'],
  ],
)}

Events of one stream are appended by one writer, each checked against the version of the stream it
read, so that two writers never both decide from the same state.`;
}

function streamsSection(input: EventCatalogueInput, names: string[]): string {
  const rows = input.streams.map((s) => [
    `\`${s.category}\``,
    s.streamIds.map((id) => `\`${id}\``).join(', '),
    names
      .filter((n) => input.types[n].category === s.category)
      .map((n) => `[${n}](#${anchor(n)})`)
      .join(', ') || '—',
  ]);
  return `## Streams

${markdownTable(['category', 'stream ids', 'event types'], rows)}`;
}

function versionsSection(input: EventCatalogueInput, names: string[]): string {
  const versioned = names.filter((n) => input.types[n].schemaVersion > 1);
  const rows = versioned.map((n) => {
    const info = input.types[n];
    const steps: string[] = [];
    for (let from = 1; from < info.schemaVersion; from++) {
      const step = input.upcasterFrom(n, from);
      const why = step ? input.docs.get(step.name)?.summary : undefined;
      steps.push(`v${from} → v${from + 1}: ${step ? (why ?? `\`${step.name}\``) : 'no upcaster'}`);
    }
    return [`[${n}](#${anchor(n)})`, `v${info.schemaVersion}`, steps.join('<br>')];
  });
  return `## Schema versions

A stored event keeps the schema version it was written with. When a type's \`data\` changes shape, its
version goes up and an upcaster turns the older \`data\` into the new shape whenever an event is read, so
the API, the CLI and every service see the current shape only. ${
    versioned.length === 0
      ? 'Every type is at v1.'
      : 'Every type not listed here is at v1.\n\n' +
        markdownTable(['type', 'current', 'upcasters'], rows)
  }`;
}

function summarySection(input: EventCatalogueInput, names: string[]): string {
  const rows = names.map((n) => {
    const info = input.types[n];
    return [
      `[${n}](#${anchor(n)})`,
      `\`${info.category}\``,
      `v${info.schemaVersion}`,
      info.contract ? 'public' : 'extension',
      input.docs.get(info.data.name)?.summary ?? '',
    ];
  });
  return `## Event types

**public** names are fixed: they keep their name and meaning across releases, and a change of shape comes
with a new schema version and its upcaster. **extension** types are Federa's own additions (states the
public names do not cover, internal ledgers): read them if useful, but expect them to change between
releases.

${markdownTable(['type', 'category', 'version', 'kind', 'what it records'], rows)}`;
}

function categorySection(
  input: EventCatalogueInput,
  stream: EventCatalogueInput['streams'][number],
  names: string[],
): string {
  const types = names.filter((n) => input.types[n].category === stream.category);
  const entries = types.map((n) => {
    const info = input.types[n];
    const summary = input.docs.get(info.data.name)?.summary;
    const facts = `Stream ${stream.streamIds.map((id) => `\`${id}\``).join(' or ')}, schema v${
      info.schemaVersion
    }, ${info.contract ? 'public' : 'extension'}.`;
    return [`### ${n}`, summary, facts, fieldsTable(input, info.data)]
      .filter((part) => part !== undefined)
      .join('\n\n');
  });
  return [`## ${stream.category} events`, ...entries].join('\n\n');
}

function valueTypesSection(input: EventCatalogueInput, classes: DataClass[]): string {
  const entries = classes.map((cls) =>
    [`### ${cls.name}`, input.docs.get(cls.name)?.summary, fieldsTable(input, cls)]
      .filter((part) => part !== undefined)
      .join('\n\n'),
  );
  return ['## Value types', 'Shapes that events carry inside their `data`.', ...entries].join(
    '\n\n',
  );
}

function fieldsTable(input: EventCatalogueInput, cls: DataClass): string {
  const fields = describeFields(cls);
  if (fields.length === 0) return 'No fields.';
  return markdownTable(
    ['field', 'type', 'required', 'rules', 'meaning'],
    fields.map((f) => [
      `\`${f.name}\``,
      typeCell(input, f),
      f.optional ? 'no' : 'yes',
      f.rules.join(', '),
      input.docs.get(f.declaredIn)?.members.get(f.name) ?? '',
    ]),
  );
}

function typeCell(input: EventCatalogueInput, field: FieldDescription): string {
  if (!field.nested) return field.type;
  const page = input.documentedElsewhere[field.nested.name];
  return `[${field.type}](${page ?? `#${anchor(field.nested.name)}`})`;
}

/** Every class nested in the given ones, breadth first, except those documented elsewhere. */
function nestedClassesOf(roots: DataClass[], input: EventCatalogueInput): DataClass[] {
  const found: DataClass[] = [];
  const queue = [...roots];
  for (let cls = queue.shift(); cls; cls = queue.shift()) {
    for (const field of describeFields(cls)) {
      const nested = field.nested;
      if (!nested || found.includes(nested) || nested.name in input.documentedElsewhere) continue;
      found.push(nested);
      queue.push(nested);
    }
  }
  return found;
}

/** The anchor GitHub gives a heading that is one identifier. */
function anchor(name: string): string {
  return name.toLowerCase();
}
