import { CommanderError, type Command } from 'commander';
import { ErrorCodes, FederaError, ValidationFailed } from '@federa/contracts';
import { GatewayUnreachable } from './api-client';
import { errorLines } from './report-error';

/** The exit codes of docs/reference/cli.md. */
export const ExitCodes = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  refused: 4,
  unreachableOrTimedOut: 5,
} as const;

/** A flag the user gave that cannot be used: the message names the flag (`--deadline: ...`). */
export class UsageError extends Error {
  constructor(
    readonly flag: string,
    reason: string,
  ) {
    super(`${flag}: ${reason}`);
    this.name = 'UsageError';
  }
}

/** The exit code a failure of a command ends with. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof ValidationFailed) return ExitCodes.usage;
  if (error instanceof GatewayUnreachable) return ExitCodes.unreachableOrTimedOut;
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : ExitCodes.usage;
  if (!(error instanceof FederaError)) return ExitCodes.failure;
  switch (error.code) {
    case ErrorCodes.validation:
      return ExitCodes.usage;
    case ErrorCodes.notFound:
      return ExitCodes.notFound;
    case ErrorCodes.conflict:
      return ExitCodes.refused;
    case ErrorCodes.unavailable:
    case ErrorCodes.overloaded:
      return ExitCodes.unreachableOrTimedOut;
    default:
      return ExitCodes.failure;
  }
}

/**
 * Runs a command's action; a failure is printed as `error: <code>: <message>` and ends with its exit
 * code (2 a bad flag, 3 not found, 4 refused, 5 unreachable, else 1). Every command's action runs
 * through this one wrapper.
 */
export function withExitCodes<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      for (const line of errorLines(error)) process.stderr.write(`${line}\n`);
      process.exitCode = exitCodeOf(error);
    }
  };
}

/** Usage errors commander finds (an unknown option, a missing argument) exit 2 instead of 1. */
export function usageExitsTwo(command: Command): Command {
  return command.exitOverride((error) => {
    process.exit(exitCodeOf(error));
  });
}

/** usageExitsTwo for `program` and every command under it (commander does not pass it down). */
export function usageExitsTwoEverywhere(program: Command): Command {
  usageExitsTwo(program);
  for (const command of program.commands) usageExitsTwoEverywhere(command);
  return program;
}
