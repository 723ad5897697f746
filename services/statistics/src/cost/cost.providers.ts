import type { FactoryProvider } from '@nestjs/common';
import type { EventStore } from '@federa/eventstore';
import type { Pool } from 'pg';
import { intAtLeast } from '@federa/runtime';
import type { JobsLeadership } from '../infrastructure/jobs-leadership';
import { EVENT_STORE, JOBS_LEADERSHIP, PG_POOL } from '../infrastructure/statistics-tokens';
import { CostReports } from './api/cost-reports';
import { BudgetWatcher } from './infrastructure/budget-watcher';

/** @default 60000: budgets are per hour, a minute late is soon enough */
export function budgetCheckMs(env: NodeJS.ProcessEnv = process.env): number {
  return intAtLeast(env, 'FEDERA_BUDGET_CHECK_MS', 100, 60_000);
}

/** Cost's part of the statistics module: the report for `cmd.statistics.costs` and the budget watcher. */
export function costProviders(checkEveryMs: number): FactoryProvider[] {
  return [
    { provide: CostReports, inject: [PG_POOL], useFactory: (pool: Pool) => new CostReports(pool) },
    {
      provide: BudgetWatcher,
      inject: [PG_POOL, EVENT_STORE, CostReports, JOBS_LEADERSHIP],
      // Started on bootstrap and stopped before the pool closes, by its own lifecycle hooks.
      useFactory: (pool: Pool, store: EventStore, reports: CostReports, jobs: JobsLeadership) =>
        new BudgetWatcher(pool, store, reports, checkEveryMs, () => jobs.leads()),
    },
  ];
}
