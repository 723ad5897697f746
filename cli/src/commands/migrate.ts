import { Command } from 'commander';
import type { MigrationSummary } from '@federa/contracts';
import type { ApiClient } from '../api-client';
import { apiClientOf, outputOf, withApiOption, withOutputOption } from '../command-options';
import { withExitCodes } from '../exit-code';
import { followUntil } from '../follow-until';
import { progressDisplay } from '../progress-display';
import { progressStreamFor } from './follow-service';
import { renderOutput, type Column, type OutputFormat } from '../render-output';
import { waitTimeoutOf, withWaitOptions, type WaitFlags } from '../wait-flags';
import { migrationOutcome, waitExitCode } from '../wait-outcome';
import { describeOneCommand } from './describe-one';

export const migrationColumns: Column<MigrationSummary>[] = [
  { header: 'ID', value: (m) => m.id },
  { header: 'INSTANCE', value: (m) => m.instance },
  { header: 'FROM', value: (m) => m.from },
  { header: 'TO', value: (m) => m.to },
  { header: 'MODE', value: (m) => m.mode },
  { header: 'STATE', value: (m) => m.state },
  { header: 'PHASE', value: (m) => currentPhase(m) },
];

const ended = new Set(['succeeded', 'failed', 'rolled-back']);

/** The phase running now, or the last one ended. */
function currentPhase(m: MigrationSummary): string | undefined {
  return m.phases.at(-1)?.name;
}

/**
 * How many phases the migration goes through: live 4; cold with data 7 (its second phase stops the
 * source); cold without data 5 (make before break). Unknown before its second phase: the longest.
 */
function plannedPhases(m: MigrationSummary): number {
  if (m.mode === 'live') return 4;
  const second = m.phases[1]?.name;
  return second === undefined || second === 'stop-source' ? 7 : 5;
}

/** `[####---] 4/7 import (running, 2048 bytes copied)`: the phases ended, and the one running. */
export function progressLine(m: MigrationSummary): string {
  const done = m.phases.filter((p) => p.endedAt !== null).length;
  const total = ended.has(m.state) ? m.phases.length : Math.max(plannedPhases(m), m.phases.length);
  const bar = '#'.repeat(done) + '-'.repeat(Math.max(0, total - done));
  const bytes = m.bytesCopied !== null ? `, ${m.bytesCopied} bytes copied` : '';
  return `[${bar}] ${done}/${total} ${currentPhase(m) ?? ''} (${m.state}${bytes})`;
}

/** Every line `describe migration` prints. */
export function migrationLines(m: MigrationSummary): string[] {
  return [
    `Migration: ${m.id}`,
    `Instance:  ${m.instance} (${m.service}/${m.app})`,
    `From:      ${m.from}`,
    `To:        ${m.to}`,
    `Mode:      ${m.mode}`,
    `State:     ${m.state}`,
    ...(m.reason ? [`Reason:    ${m.reason}`] : []),
    ...(m.bytesCopied !== null ? [`Copied:    ${m.bytesCopied} bytes`] : []),
    ...(m.downtimeMs !== null ? [`Downtime:  ${m.downtimeMs} ms`] : []),
    '',
    'Phases:',
    ...m.phases.map((p) => `  ${p.name.padEnd(15)} ${p.startedAt} → ${p.endedAt ?? '(running)'}`),
  ];
}

/** `federa migrate INSTANCE [--to HOST] [--mode cold|live] [--wait [--timeout D]]`. */
export function migrateCommand(): Command {
  const command = new Command('migrate')
    .description(
      'move an instance to another host (placement chooses unless --to); live where both ends can, else cold',
    )
    .argument('<id>', 'the instance')
    .option('--to <host>', 'the host to move to')
    .option('--mode <mode>', 'cold or live')
    .action(
      withExitCodes(
        async (
          instance: string,
          options: { api?: string; output?: string; to?: string; mode?: string } & WaitFlags,
        ) => {
          const timeoutMs = waitTimeoutOf(options);
          const api = apiClientOf(options);
          const body = {
            ...(options.to ? { to: options.to } : {}),
            ...(options.mode ? { mode: options.mode } : {}),
          };
          const migration = await api.post<MigrationSummary>(
            `/v1/instances/${encodeURIComponent(instance)}/migrate`,
            body,
          );
          await printMigration(api, migration, { ...options, timeoutMs });
        },
      ),
    );
  return withOutputOption(
    withApiOption(
      withWaitOptions(
        command,
        'the migration ends, showing its phases (4: it failed or was rolled back)',
      ),
    ),
  );
}

/** `--wait` reads the migration again this often. */
const pollMs = 500;

/**
 * A migration just started, as the user asked: its row (or JSON), or with `wait` its phases as they
 * pass (redrawn on a terminal) and then the whole migration; exit code 4 when it failed or was
 * rolled back, 5 when `timeoutMs` passed first.
 */
export async function printMigration(
  api: ApiClient,
  started: MigrationSummary,
  options: { output?: string; wait?: boolean; timeoutMs?: number },
): Promise<void> {
  const format = outputOf(options);
  if (!options.wait) {
    process.stdout.write(`${renderOutput(format, started, [started], migrationColumns)}\n`);
    return;
  }
  const { last, outcome } = await followUntil({
    first: started,
    read: (signal) =>
      api.get<MigrationSummary>(`/v1/migrations/${encodeURIComponent(started.id)}`, { signal }),
    outcome: migrationOutcome,
    progress: progressLine,
    display: progressDisplay(progressStreamFor(format)),
    timeoutMs: options.timeoutMs,
    pollMs,
  });
  if (outcome === 'going')
    process.stderr.write(
      `--timeout passed while migration ${last.id} was ${last.state} (it goes on)\n`,
    );
  process.stdout.write(`${finalMigrationText(format, last)}\n`);
  process.exitCode = waitExitCode(outcome);
}

/**
 * The migration once `--wait` is over: json, yaml and name as without `--wait`; for people
 * (table, wide) every line `describe migration` prints.
 */
export function finalMigrationText(format: OutputFormat, m: MigrationSummary): string {
  if (format === 'table' || format === 'wide') return migrationLines(m).join('\n');
  return renderOutput(format, m, [m], migrationColumns);
}

/** `federa describe migration ID`. */
export function describeMigrationCommand(): Command {
  return describeOneCommand<MigrationSummary>({
    name: 'migration',
    description: 'a migration: its hosts, state, phases with their times, bytes copied, downtime',
    argument: ['<id>', 'the migration'],
    path: (id) => `/v1/migrations/${encodeURIComponent(id)}`,
    lines: migrationLines,
  });
}
