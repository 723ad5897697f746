import { Command } from 'commander';
import { ErrorCodes, FederaError } from '@federa/contracts';
import { guarded, outputOf, withOutputOption } from '../command-options';
import {
  checkedApiUrl,
  checkedContextName,
  contextNamed,
  contextsPath,
  readContexts,
  writeContexts,
  type ContextsFile,
} from '../contexts';
import { renderOutput, type Column } from '../render-output';

interface ContextRow {
  name: string;
  current: boolean;
  api?: string;
  token: boolean;
}

const contextColumns: Column<ContextRow>[] = [
  { header: 'NAME', value: (c) => c.name },
  { header: 'CURRENT', value: (c) => (c.current ? '*' : '') },
  { header: 'API', value: (c) => c.api },
  { header: 'TOKEN', value: (c) => (c.token ? 'set' : '') },
];

/** The rows `get-contexts` prints: never a token, only whether one is set. */
export function contextRows(file: ContextsFile): ContextRow[] {
  return Object.entries(file.contexts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, context]) => ({
      name,
      current: name === file.currentContext,
      ...(context.api ? { api: context.api } : {}),
      token: context.token !== undefined,
    }));
}

/**
 * `federa config set-context|use-context|get-contexts|delete-context`: the named contexts of
 * `~/.config/federa/config.yaml` (API URL and token; written with mode 0600).
 */
export function configCommand(): Command {
  const config = new Command('config').description(
    'named contexts (API URL and token) in ~/.config/federa/config.yaml',
  );
  config.addCommand(
    new Command('set-context')
      .description('add or change a context; the first one added becomes the current one')
      .argument('<name>', 'the context')
      .option('--url <url>', "the context's API URL")
      .option('--token <token>', "the context's API token")
      .option('--use', 'make it the current context')
      .action(
        guarded(async (name: string, options: { url?: string; token?: string; use?: boolean }) => {
          const path = contextsPath();
          const file = readContexts(path);
          const context = { ...contextNamed(file, checkedContextName(name, 'NAME')) };
          if (options.url !== undefined) context.api = checkedApiUrl(options.url, '--url');
          if (options.token === '')
            throw new FederaError(ErrorCodes.validation, '--token: must not be empty');
          if (options.token !== undefined) context.token = options.token;
          file.contexts[name] = context;
          if (options.use || file.currentContext === undefined) file.currentContext = name;
          writeContexts(path, file);
          process.stdout.write(`context ${name} set in ${path}\n`);
        }),
      ),
  );
  config.addCommand(
    new Command('use-context')
      .description('make a context the current one')
      .argument('<name>', 'the context')
      .action(
        guarded(async (name: string) => {
          const path = contextsPath();
          const file = readContexts(path);
          if (!contextNamed(file, name)) throw noSuchContext(name, path);
          writeContexts(path, { ...file, currentContext: name });
          process.stdout.write(`now using context ${name}\n`);
        }),
      ),
  );
  config.addCommand(
    withOutputOption(
      new Command('get-contexts').description('list the contexts (never their tokens)').action(
        guarded(async (options: { output?: string }) => {
          const file = readContexts(contextsPath());
          const rows = contextRows(file);
          const shown = { currentContext: file.currentContext ?? null, contexts: rows };
          process.stdout.write(`${renderOutput(outputOf(options), shown, rows, contextColumns)}\n`);
        }),
      ),
    ),
  );
  config.addCommand(
    new Command('delete-context')
      .description('remove a context')
      .argument('<name>', 'the context')
      .action(
        guarded(async (name: string) => {
          const path = contextsPath();
          const file = readContexts(path);
          if (!contextNamed(file, name)) throw noSuchContext(name, path);
          delete file.contexts[name];
          if (file.currentContext === name) delete file.currentContext;
          writeContexts(path, file);
          process.stdout.write(`deleted context ${name}\n`);
        }),
      ),
  );
  return config;
}

function noSuchContext(name: string, path: string): FederaError {
  return new FederaError(ErrorCodes.notFound, `no context named ${name} in ${path}`);
}
