import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { MigrationPhases } from '@federa/contracts';
import { scrapeQuery } from '@federa/eventstore';
import { Gauge } from 'prom-client';
import type { Pool } from 'pg';
import type { PhaseRecord, SagaStatus } from '../domain/migration-saga';
import { PG_POOL } from './migration-tokens';

/** The phase label of a saga recorded but not in a phase yet, and of one undoing what it did. */
const notYetInAPhase = 'pending';
const undoing = 'rolling-back';

/** Every phase label, shown at 0 when no saga is in it. */
export const migrationPhaseLabels = [notYetInAPhase, ...MigrationPhases, undoing] as const;

/**
 * Where an unended saga is: the phase it started and has not ended; between two phases, the one it
 * last ended (its next has not begun); `rolling-back` while it undoes its steps.
 */
export function phaseOf(
  status: SagaStatus,
  phases: readonly Pick<PhaseRecord, 'name' | 'endedAt'>[],
): string {
  if (status === 'rolling-back') return undoing;
  const open = [...phases].reverse().find((p) => !p.endedAt);
  return open?.name ?? phases.at(-1)?.name ?? notYetInAPhase;
}

/** Unended sagas by phase, every phase present. */
export function migrationsByPhase(
  sagas: readonly {
    status: SagaStatus;
    phases: readonly Pick<PhaseRecord, 'name' | 'endedAt'>[];
  }[],
): Map<string, number> {
  const counts = new Map<string, number>(migrationPhaseLabels.map((phase) => [phase, 0]));
  for (const saga of sagas) {
    const phase = phaseOf(saga.status, saga.phases);
    counts.set(phase, (counts.get(phase) ?? 0) + 1);
  }
  return counts;
}

async function readUnendedSagas(
  pool: Pool,
): Promise<{ status: SagaStatus; phases: PhaseRecord[] }[] | undefined> {
  const result = await scrapeQuery<{ status: SagaStatus; phases: PhaseRecord[] | null }>(pool, {
    text: `SELECT saga->>'status' AS status, saga->'phases' AS phases FROM migration.migrations
           WHERE state IN ('pending', 'running')`,
  });
  return result?.rows.map((r) => ({ status: r.status, phases: r.phases ?? [] }));
}

/** The databases whose migrations this process reports (one per migration module it runs). */
const databases = new Set<Pool>();

export const migrationsGauge = new Gauge({
  name: 'federa_migrations',
  help: 'Migration sagas in flight (recorded, not ended) by phase, from the migrations read model at scrape time',
  labelNames: ['phase'] as const,
  async collect() {
    this.reset();
    const [pool] = databases;
    if (!pool) return;
    // A database that does not answer (in time) leaves the value out of this scrape, rather than failing it.
    const sagas = await readUnendedSagas(pool);
    if (!sagas) return;
    for (const [phase, count] of migrationsByPhase(sagas)) this.set({ phase }, count);
  },
});

/** Reports this module's migrations (federa_migrations) for as long as the module runs. */
@Injectable()
export class MigrationMetricsReporter implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  onModuleInit(): void {
    databases.add(this.pool);
  }

  onModuleDestroy(): void {
    databases.delete(this.pool);
  }
}
