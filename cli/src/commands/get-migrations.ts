import type { Command } from 'commander';
import type { MigrationSummary } from '@federa/contracts';
import { ageOf } from '../age';
import type { Column } from '../render-output';
import { listCommand, type ListedKind } from './get-list';
import { streamOf } from './get-services';
import { migrationColumns } from './migrate';

const columns: Column<MigrationSummary>[] = [
  ...migrationColumns,
  { header: 'AGE', value: (m) => ageOf(m.phases[0]?.startedAt) },
];

/** Migrations: each one's own stream. */
export const migrationsKind: ListedKind<MigrationSummary> = {
  plural: 'migrations',
  singular: 'migration',
  description: 'list migrations: instance, from, to, mode, state, latest phase, age',
  path: '/v1/migrations',
  keyOf: (m) => m.id,
  columns,
  filters: [
    {
      flag: '--instance <id>',
      description: 'only this instance',
      query: 'instance',
      valueOf: (m) => m.instance,
    },
    {
      flag: '--state <state>',
      description: 'only migrations in this state',
      query: 'state',
      valueOf: (m) => m.state,
    },
  ],
  touched: (event) => {
    const id = streamOf(event, 'migration');
    return id === undefined ? [] : [id];
  },
};

/** `federa get migrations [ID] [--instance ID] [--state S]`. */
export function getMigrationsCommand(): Command {
  return listCommand(migrationsKind);
}
