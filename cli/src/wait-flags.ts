import type { Command } from 'commander';
import { durationFlag } from './duration-flag';
import { UsageError } from './exit-code';

/** `--wait` and `--timeout DURATION` as commander reads them. */
export interface WaitFlags {
  wait?: boolean;
  timeout?: string;
}

/** Adds `--wait` (following `what`) and `--timeout DURATION` to a command. */
export function withWaitOptions(command: Command, what: string): Command {
  return command
    .option('--wait', `follow until ${what}; exit 0 if it did, 4 if it ended otherwise`)
    .option(
      '--timeout <duration>',
      'with --wait: stop following after this long (90s, 5m, 1h30m), exit 5; the action goes on',
    );
}

/**
 * How long `--wait` follows: undefined without --timeout (until the action ends). A `--timeout`
 * without `--wait`, or that is no duration of at least 1s, is a UsageError naming it.
 */
export function waitTimeoutOf(flags: WaitFlags): number | undefined {
  if (flags.timeout === undefined) return undefined;
  if (!flags.wait) throw new UsageError('--timeout', 'only with --wait');
  return durationFlag('--timeout', flags.timeout, { minMs: 1_000 });
}
