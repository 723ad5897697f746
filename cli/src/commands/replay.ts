import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { ErrorCodes, FederaError } from '@federa/contracts';
import { withApiOption } from '../command-options';
import { ApiClient, resolveApiOptions } from '../api-client';
import type { ApiTargetFlags } from '../contexts';
import { ExitCodes, UsageError, withExitCodes } from '../exit-code';
import { differenceLine } from '../replay/domain/compare-outcomes';
import { parseRecording, RecordingLineInvalid, type Recording } from '../replay/domain/recording';
import { replayProgress } from '../replay/replay-progress';
// Types only: the replay's engine loads the services' folds (Nest) and the simulated fleet (NATS), which
// every other command, `federa --help` included, must not pay for at start (test/service-entries.spec.ts).
import type { ReplayReport } from '../replay/replay-run';
import { sourceWithoutCredentials } from './events-export-header';
import { agentBusOf, pacingOf, settleTimeoutOf, type ReplayFlags } from './replay-flags';

/**
 * `federa replay FILE [--rate N | --max | --speed X]`: replays a recording of `federa events export`
 * into the Federa the CLI points at, as load: the recorded hosts' agents simulated here, every user
 * command re-driven through the API so that the services do the work again; then compares the
 * outcome with the recording's. Exit 0 without differences, 4 with.
 */
export function replayCommand(): Command {
  const command = new Command('replay')
    .description(
      'replay a recording (federa events export) into an empty Federa as load, then compare outcomes',
    )
    .argument('<file>', 'the recording: ndjson written by federa events export')
    .option('--speed <x>', 'replay at X times the recorded pace (default 1)')
    .option('--rate <n>', 'drive N commands per second instead of the recorded pace')
    .option('--max', 'drive each command as soon as the one before is answered')
    .option(
      '--timeout <duration>',
      'how long the target may take to come to rest after the last command (90s, 5m)',
      '2m',
    )
    .option('--nats <url>', "the target's NATS, for the simulated agents (default FEDERA_NATS_URL)")
    .option(
      '--subject-prefix <prefix>',
      "the target's subject prefix (default FEDERA_SUBJECT_PREFIX, else federa)",
    )
    .option(
      '--credentials <file>',
      "the simulated agents' bus credentials on a closed bus: a simulator's seed (default FEDERA_NATS_CREDENTIALS)",
    )
    .option(
      '--heartbeat-ms <ms>',
      "the simulated agents' heartbeat interval (default FEDERA_HEARTBEAT_MS, else 1000)",
    )
    .option('--force', 'replay into a target that already holds services or hosts')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json'])
        .default('table'),
    )
    .action(
      withExitCodes(async (file: string, flags: ReplayFlags & ApiTargetFlags) => {
        const pacing = pacingOf(flags);
        const timeoutMs = settleTimeoutOf(flags);
        const bus = agentBusOf(flags);
        const recording = readRecording(file);
        const client = new ApiClient(resolveApiOptions(flags));
        if (!flags.force) await refuseNonEmpty(client);
        const { runReplay } = await import('../replay/replay-run');
        const report = await runReplay({
          client,
          recording,
          pacing,
          timeoutMs,
          bus,
          progress: replayProgress(process.stderr),
        });
        printReport(report, flags.output);
        process.exitCode = report.differences.length === 0 ? ExitCodes.ok : ExitCodes.refused;
      }),
    );
  return withApiOption(command);
}

/** The recording, read and checked whole before anything is done; a bad line names its number. */
function readRecording(file: string): Recording {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError('FILE', `cannot read ${file} (${(error as Error).message})`);
  }
  try {
    return parseRecording(text.split('\n'));
  } catch (error) {
    if (error instanceof RecordingLineInvalid) throw new UsageError(file, error.message);
    throw error;
  }
}

/** A target that holds services or hosts would mix its own outcome into the replay's. */
async function refuseNonEmpty(client: ApiClient): Promise<void> {
  const { targetContents } = await import('../replay/target-outcome');
  const { services, hosts } = await targetContents(client);
  if (services.length === 0 && hosts.length === 0) return;
  const found = [
    services.length > 0
      ? `services (${services.join(', ')}${services.length === 5 ? ', …' : ''})`
      : '',
    hosts.length > 0 ? `hosts (${hosts.join(', ')}${hosts.length === 5 ? ', …' : ''})` : '',
  ].filter(Boolean);
  throw new FederaError(
    ErrorCodes.conflict,
    `the target at ${sourceWithoutCredentials(client.baseUrl)} already holds ${found.join(' and ')}: replay into an empty Federa (its own database and subject prefix), or pass --force`,
  );
}

/** The summary and the differences; with -o json, one JSON object on the last line. */
function printReport(report: ReplayReport, output: 'table' | 'json'): void {
  if (output === 'json') {
    process.stdout.write(
      `${JSON.stringify({
        events: report.events,
        steps: report.steps,
        elapsed_ms: report.elapsedMs,
        target_events: report.targetEvents,
        events_per_s: report.eventsPerSecond,
        latency_p50_ms: report.latencyP50Ms,
        latency_p99_ms: report.latencyP99Ms,
        rest_failed: report.restFailed,
        lag_p50_ms: report.lagP50Ms,
        lag_p99_ms: report.lagP99Ms,
        ...(report.lagUnavailable ? { lag_unavailable: report.lagUnavailable } : {}),
        lag_missing: report.lagMissing,
        refused: report.refused.length,
        refused_steps: report.refused,
        settled: report.settled,
        rewrites: report.rewrites,
        differences: report.differences.length,
        difference_list: report.differences,
      })}\n`,
    );
    return;
  }
  const lines = [
    `replayed ${report.events} events (${report.steps} steps) in ${(report.elapsedMs / 1000).toFixed(1)} s: ` +
      `target ${report.targetEvents} events, ${report.eventsPerSecond} events/s; ` +
      `REST p50 ${msOf(report.latencyP50Ms)}, p99 ${msOf(report.latencyP99Ms)}` +
      `${report.restFailed > 0 ? ` (${report.restFailed} calls unanswered)` : ''}; ` +
      (report.lagUnavailable
        ? `lag unknown (${report.lagUnavailable})`
        : `lag p50 ${msOf(report.lagP50Ms)}, p99 ${msOf(report.lagP99Ms)}`) +
      `${report.lagMissing > 0 ? `, ${report.lagMissing} commands' events never seen` : ''}` +
      `${report.refused.length > 0 ? `; ${report.refused.length} steps refused` : ''}`,
    ...(report.settled ? [] : ['the target did not come to rest before --timeout']),
    `differences: ${report.differences.length}`,
    ...report.differences.map((d) => `  ${differenceLine(d)}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function msOf(value: number | null): string {
  return value === null ? 'n/a' : `${value} ms`;
}
