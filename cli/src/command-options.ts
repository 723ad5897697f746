import { Option, type Command } from 'commander';
import { ApiClient, resolveApiOptions } from './api-client';
import { outputFormats, type OutputFormat } from './render-output';
import { errorLines } from './report-error';

/** Adds `--api URL` to a command that calls the gateway. */
export function withApiOption(command: Command): Command {
  return command.option(
    '--api <url>',
    'gateway URL (default: FEDERA_API_URL or http://127.0.0.1:${FEDERA_HTTP_PORT:-8080})',
  );
}

/** Adds `-o, --output table|wide|json` to a command that prints an answer. */
export function withOutputOption(command: Command): Command {
  return command.addOption(
    new Option('-o, --output <format>', 'output format').choices(outputFormats).default('table'),
  );
}

export function apiClientOf(options: { api?: string }): ApiClient {
  return new ApiClient(resolveApiOptions(options.api));
}

export function outputOf(options: { output?: string }): OutputFormat {
  return (options.output as OutputFormat | undefined) ?? 'table';
}

/** Runs a command's action; a failure is printed as `error: <code>: <message>` and exits 1. */
export function guarded<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      for (const line of errorLines(error)) process.stderr.write(`${line}\n`);
      process.exitCode = 1;
    }
  };
}
