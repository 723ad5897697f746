import { Command } from 'commander';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';

/** What `federa describe <name> KEY` shows: the object it GETs, and its lines for a reader. */
export interface DescribedObject<T> {
  name: string;
  description: string;
  /** The argument naming the object, as commander spells it (`<id>`), and what it is. */
  argument: [string, string];
  path(key: string): string;
  lines(found: T): string[];
}

/** `federa describe <name> KEY`: the object as JSON with `-o json`, else as its lines. */
export function describeOneCommand<T>(described: DescribedObject<T>): Command {
  const command = new Command(described.name)
    .description(described.description)
    .argument(...described.argument)
    .action(
      guarded(async (key: string, options: { api?: string; output?: string }) => {
        const found = await apiClientOf(options).get<T>(described.path(key));
        if (outputOf(options) === 'json') {
          process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${described.lines(found).join('\n')}\n`);
      }),
    );
  return withOutputOption(withApiOption(command));
}
