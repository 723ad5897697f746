import { Command } from 'commander';
import type { MigrationSummary } from '@federa/contracts';
import type { ApiClient } from '../api-client';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { renderOutput, type Column } from '../render-output';
import { describeOneCommand } from './describe-one';
import { everyPage } from './get-services';

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

/** `federa migrate INSTANCE [--to HOST] [--mode cold|live] [--wait]`. */
export function migrateCommand(): Command {
  const command = new Command('migrate')
    .description(
      'move an instance to another host (placement chooses unless --to); live where both ends can, else cold',
    )
    .argument('<id>', 'the instance')
    .option('--to <host>', 'the host to move to')
    .option('--mode <mode>', 'cold or live')
    .option('--wait', 'follow the phases until the migration ends; exit 1 unless it succeeded')
    .action(
      guarded(
        async (
          instance: string,
          options: { api?: string; output?: string; to?: string; mode?: string; wait?: boolean },
        ) => {
          const api = apiClientOf(options);
          const body = {
            ...(options.to ? { to: options.to } : {}),
            ...(options.mode ? { mode: options.mode } : {}),
          };
          const migration = await api.post<MigrationSummary>(
            `/v1/instances/${encodeURIComponent(instance)}/migrate`,
            body,
          );
          await printMigration(api, migration, options);
        },
      ),
    );
  return withOutputOption(withApiOption(command));
}

/**
 * A migration just started, as the user asked: its row (or JSON), or with `wait` its phases as they
 * pass and then the whole migration, exit code 1 unless it succeeded.
 */
export async function printMigration(
  api: ApiClient,
  started: MigrationSummary,
  options: { output?: string; wait?: boolean },
): Promise<void> {
  let migration = started;
  if (!options.wait) {
    process.stdout.write(
      `${renderOutput(outputOf(options), migration, [migration], migrationColumns)}\n`,
    );
    return;
  }
  let last = '';
  for (;;) {
    const line = progressLine(migration);
    if (line !== last) process.stdout.write(`${line}\n`);
    last = line;
    if (ended.has(migration.state)) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
    migration = await api.get<MigrationSummary>(
      `/v1/migrations/${encodeURIComponent(migration.id)}`,
    );
  }
  process.stdout.write(`${migrationLines(migration).join('\n')}\n`);
  if (migration.state !== 'succeeded') process.exitCode = 1;
}

/** `federa get migrations [--instance I] [--state S]`. */
export function getMigrationsCommand(): Command {
  const command = new Command('migrations')
    .description('list migrations')
    .option('--instance <id>', 'only this instance')
    .option('--state <state>', 'only migrations in this state')
    .action(
      guarded(
        async (options: { instance?: string; state?: string; api?: string; output?: string }) => {
          const query = new URLSearchParams();
          if (options.instance) query.set('instance', options.instance);
          if (options.state) query.set('state', options.state);
          const items = await everyPage<MigrationSummary>(
            apiClientOf(options),
            '/v1/migrations',
            query,
          );
          process.stdout.write(
            `${renderOutput(outputOf(options), { items }, items, migrationColumns)}\n`,
          );
        },
      ),
    );
  return withOutputOption(withApiOption(command));
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
