import { Command, InvalidArgumentError, Option } from 'commander';
import type { ErrorResponse, EventPage, RecordedEvent } from '@federa/contracts';
import { FederaError, ErrorCodes } from '@federa/contracts';
import { ApiClient, GatewayUnreachable, resolveApiOptions } from '../api-client';
import { guarded, withApiOption } from '../command-options';
import { renderTable, type Column } from '../render-output';

type EventsFormat = 'table' | 'json' | 'ndjson';

interface EventsOptions {
  follow?: boolean;
  after: number;
  output: EventsFormat;
  api?: string;
}

const pageSize = 500;

const columns: Column<RecordedEvent>[] = [
  { header: 'POSITION', value: (e) => e.position },
  { header: 'STREAM', value: (e) => e.streamId },
  { header: 'VERSION', value: (e) => e.streamVersion },
  { header: 'TYPE', value: (e) => e.type },
  { header: 'RECORDED', value: (e) => e.recordedAt },
];

/** `federa events [--follow] [--after POS] [-o table|json|ndjson]`: the event log, in order. */
export function eventsCommand(): Command {
  const command = new Command('events')
    .description('print the event log in order; --follow keeps printing new events')
    .option('-f, --follow', 'keep streaming new events (server-sent events)')
    .option('--after <position>', 'start after this log position', parsePosition, 0)
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json', 'ndjson'])
        .default('table'),
    )
    .action(
      guarded(async (options: EventsOptions) => {
        const api = resolveApiOptions(options.api);
        if (options.follow) await follow(api.baseUrl, api.token, options);
        else await printLog(new ApiClient(api), options);
      }),
    );
  return withApiOption(command);
}

/** `--after` as a non-negative integer, or a usage error naming the option. */
export function parsePosition(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('must be a non-negative integer log position');
  }
  return Number(value);
}

/** Pages through the log from `after` to its current end. */
async function printLog(client: ApiClient, options: EventsOptions): Promise<void> {
  const all: RecordedEvent[] = [];
  let after = options.after;
  for (;;) {
    const page = await client.get<EventPage>(`/v1/events?after=${after}&limit=${pageSize}`);
    if (options.output === 'ndjson') {
      for (const event of page.items) process.stdout.write(`${JSON.stringify(event)}\n`);
    } else all.push(...page.items);
    if (page.items.length < pageSize) {
      after = page.next;
      break;
    }
    after = page.next;
  }
  if (options.output === 'json') {
    process.stdout.write(`${JSON.stringify({ items: all, next: after }, null, 2)}\n`);
  } else if (options.output === 'table') {
    process.stdout.write(`${renderTable(all, columns)}\n`);
  }
}

/** Streams `/v1/events/stream` and prints each event as it comes, until interrupted. */
async function follow(baseUrl: string, token: string | undefined, options: EventsOptions) {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/v1/events/stream?after=${options.after}`, {
      headers: {
        accept: 'text/event-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
  } catch (error) {
    throw new GatewayUnreachable(baseUrl, error);
  }
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => undefined)) as
      Partial<ErrorResponse> | undefined;
    if (body?.error) throw FederaError.fromBody({ error: body.error });
    throw new FederaError(ErrorCodes.internal, `event stream answered ${response.status}`);
  }
  const parser = new ServerSentEvents();
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    for (const data of parser.push(decoder.decode(chunk, { stream: true }))) {
      process.stdout.write(
        `${formatFollowed(JSON.parse(data) as RecordedEvent, options.output)}\n`,
      );
    }
  }
}

/** One followed event as a line: JSON for machines, aligned columns for people. */
export function formatFollowed(event: RecordedEvent, output: EventsFormat): string {
  if (output !== 'table') return JSON.stringify(event);
  return [
    String(event.position).padStart(8),
    event.streamId.padEnd(28),
    String(event.streamVersion).padStart(5),
    event.type.padEnd(24),
    event.recordedAt,
  ].join('  ');
}

/** Splits a text/event-stream into the `data` of each message (multi-line data joined by \n). */
export class ServerSentEvents {
  private buffer = '';

  push(text: string): string[] {
    this.buffer += text.replace(/\r\n?/g, '\n');
    const out: string[] = [];
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''));
      if (data.length > 0) out.push(data.join('\n'));
    }
    return out;
  }
}
