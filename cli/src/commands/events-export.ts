import { Command } from 'commander';
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  rmSync,
  type WriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import type { EventPage } from '@federa/contracts';
import { withApiOption } from '../command-options';
import { ApiClient, resolveApiOptions } from '../api-client';
import type { ApiTargetFlags } from '../contexts';
import { withExitCodes } from '../exit-code';
import { exportHeader, sourceWithoutCredentials } from './events-export-header';
import { parsePosition } from './events';

interface ExportOptions extends ApiTargetFlags {
  after: number;
  to: string;
}

const pageSize = 1000;

/**
 * `federa events export [--after POS] [--to FILE|-]`: the event log as ndjson, a header line first
 * (events-export-header.ts) then one recorded event per line, with its position, in log order: what
 * `federa replay FILE` reads.
 */
export function eventsExportCommand(): Command {
  const command = new Command('export')
    .description(
      'write the event log as ndjson (a header line, then one event per line) for replay',
    )
    .option('--after <position>', 'start after this log position', parsePosition, 0)
    .option('--to <file>', 'write to this file; - for standard output', '-')
    .action(
      withExitCodes(async (options: ExportOptions) => {
        const client = new ApiClient(resolveApiOptions(options));
        await exportLog(client, options);
      }),
    );
  return withApiOption(command);
}

/**
 * Pages are written as they come to a spool file, so that memory stays bounded whatever the log's
 * length; the header, which counts them and names the last position, is written once they are all
 * read, then the spool is copied after it.
 */
async function exportLog(client: ApiClient, options: ExportOptions): Promise<void> {
  const spoolDir = mkdtempSync(join(tmpdir(), 'federa-export-'));
  const spoolPath = join(spoolDir, 'events.ndjson');
  // A `finally` does not run when Ctrl-C ends the process: the spool, a copy of the log so far,
  // would be left in the temporary directory.
  const removeSpoolAndExit = (signal: NodeJS.Signals) => {
    rmSync(spoolDir, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', removeSpoolAndExit);
  process.once('SIGTERM', removeSpoolAndExit);
  try {
    const spool = createWriteStream(spoolPath);
    let after = options.after;
    let events = 0;
    for (;;) {
      const page = await client.get<EventPage>(`/v1/events?after=${after}&limit=${pageSize}`);
      for (const event of page.items) await write(spool, `${JSON.stringify(event)}\n`);
      events += page.items.length;
      after = page.next;
      if (page.items.length < pageSize) break;
    }
    spool.end();
    await once(spool, 'close');
    const header = exportHeader({
      exportedAt: new Date().toISOString(),
      source: sourceWithoutCredentials(client.baseUrl),
      head: after,
      events,
      after: options.after,
    });
    const out = options.to === '-' ? process.stdout : createWriteStream(options.to);
    await write(out, `${JSON.stringify(header)}\n`);
    await pipeline(createReadStream(spoolPath), out, { end: options.to !== '-' });
    if (options.to !== '-') process.stderr.write(`${events} events exported to ${options.to}\n`);
  } finally {
    process.off('SIGINT', removeSpoolAndExit);
    process.off('SIGTERM', removeSpoolAndExit);
    rmSync(spoolDir, { recursive: true, force: true });
  }
}

/** Writes a chunk, waiting for the stream to drain when its buffer is full. */
async function write(stream: WriteStream | NodeJS.WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}
