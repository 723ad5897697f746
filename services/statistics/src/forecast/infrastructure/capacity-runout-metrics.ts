import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { scrapeQuery } from '@federa/eventstore';
import { Gauge } from 'prom-client';
import type { Pool } from 'pg';
import { PG_POOL } from '../../infrastructure/statistics-tokens';

/** A capacity forecast's run-out, as the forecasts table keeps the newest of each. */
export interface CapacityRunOut {
  scope: 'fleet' | 'site';
  /** The site's name; '' for the fleet. */
  subject: string;
  resource: string;
  runsOutAt: Date;
}

/** The `scope` label: `fleet`, or `site:<name>` (sites are few; applications are not reported). */
export function scopeLabel(runOut: Pick<CapacityRunOut, 'scope' | 'subject'>): string {
  return runOut.scope === 'fleet' ? 'fleet' : `site:${runOut.subject}`;
}

/** Seconds from `now` until the forecast run-out; 0 once it has passed (demand already fills capacity). */
export function secondsUntilRunOut(runsOutAt: Date, now: Date): number {
  return Math.max(0, (runsOutAt.getTime() - now.getTime()) / 1000);
}

async function readRunOuts(pool: Pool): Promise<CapacityRunOut[] | undefined> {
  const result = await scrapeQuery<{
    scope: 'fleet' | 'site';
    subject: string;
    resource: string;
    runs_out_at: Date | string;
  }>(pool, {
    text: `SELECT scope, subject, resource, runs_out_at FROM statistics.forecasts
           WHERE scope IN ('fleet', 'site') AND runs_out_at IS NOT NULL`,
  });
  return result?.rows.map((r) => ({
    scope: r.scope,
    subject: r.subject,
    resource: r.resource,
    runsOutAt: new Date(r.runs_out_at),
  }));
}

/** The databases whose forecasts this process reports (one per statistics module it runs). */
const databases = new Set<Pool>();

export const capacityRunOutGauge = new Gauge({
  name: 'federa_capacity_runout_seconds',
  help: 'Seconds until forecast demand (upper 80 % bound) reaches capacity, per resource and scope (fleet or site:<name>), from the newest capacity forecast; absent when the forecast stays below capacity over its horizon',
  labelNames: ['resource', 'scope'] as const,
  async collect() {
    this.reset();
    const [pool] = databases;
    if (!pool) return;
    // A database that does not answer (in time) leaves the value out of this scrape, rather than failing it.
    const runOuts = (await readRunOuts(pool)) ?? [];
    const now = new Date();
    for (const runOut of runOuts) {
      this.set(
        { resource: runOut.resource, scope: scopeLabel(runOut) },
        secondsUntilRunOut(runOut.runsOutAt, now),
      );
    }
  },
});

/** Reports this module's capacity forecasts (federa_capacity_runout_seconds) while it runs. */
@Injectable()
export class CapacityRunOutReporter implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  onModuleInit(): void {
    databases.add(this.pool);
  }

  onModuleDestroy(): void {
    databases.delete(this.pool);
  }
}
