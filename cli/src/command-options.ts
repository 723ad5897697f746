import { Option, type Command } from 'commander';
import { ApiClient, resolveApiOptions } from './api-client';
import type { ApiTargetFlags } from './contexts';
import { outputFormats, type OutputFormat } from './render-output';
import { withExitCodes } from './exit-code';

/** Adds `--api URL`, `--token TOKEN` and `--context NAME` to a command that calls the gateway. */
export function withApiOption(command: Command): Command {
  return command
    .option(
      '--api <url>',
      'gateway URL (default: FEDERA_API_URL, the context, or http://127.0.0.1:${FEDERA_HTTP_PORT:-8080})',
    )
    .option(
      '--token <token>',
      'API token (default: FEDERA_API_TOKEN, the context, or ./.federa/token)',
    )
    .option('--context <name>', 'a context of ~/.config/federa/config.yaml (default: the current)');
}

/** Adds `-o, --output table|wide|json` to a command that prints an answer. */
export function withOutputOption(command: Command): Command {
  return command.addOption(
    new Option('-o, --output <format>', 'output format').choices(outputFormats).default('table'),
  );
}

export function apiClientOf(options: ApiTargetFlags): ApiClient {
  return new ApiClient(resolveApiOptions(options));
}

export function outputOf(options: { output?: string }): OutputFormat {
  return (options.output as OutputFormat | undefined) ?? 'table';
}

/**
 * The one wrapper of a command's action (withExitCodes): a failure is printed as
 * `error: <code>: <message>` and ends with its exit code (2 usage, 3 not found, 4 refused,
 * 5 unreachable or timed out, else 1).
 */
export const guarded = withExitCodes;
