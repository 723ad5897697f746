import { Command } from 'commander';
import type { ApiClient } from '../api-client';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { renderDocument } from '../render-output';

/** What `federa describe <name> KEY` shows: the object it GETs, and its lines for a reader. */
export interface DescribedObject<T> {
  name: string;
  description: string;
  /** The argument naming the object, as commander spells it (`<id>`), and what it is. */
  argument: [string, string];
  path(key: string): string;
  /** `more`: what `more()` found, for the object's lines to place. */
  lines(found: T, more: string[]): string[];
  /** Lines asked of another resource (a service's cost); it answers what it can, never throws. */
  more?(key: string, api: ApiClient): Promise<string[]>;
}

/** `federa describe <name> KEY`: the object as JSON or YAML with `-o json|yaml`, else as its lines. */
export function describeOneCommand<T>(described: DescribedObject<T>): Command {
  const command = new Command(described.name)
    .description(described.description)
    .argument(...described.argument)
    .action(
      guarded(async (key: string, options: { api?: string; output?: string }) => {
        const api = apiClientOf(options);
        const found = await api.get<T>(described.path(key));
        const format = outputOf(options);
        const document = renderDocument(format, found);
        if (document !== undefined || format === 'name') {
          process.stdout.write(`${document ?? key}\n`);
          return;
        }
        const more = described.more ? await described.more(key, api) : [];
        process.stdout.write(`${described.lines(found, more).join('\n')}\n`);
      }),
    );
  return withOutputOption(withApiOption(command));
}
