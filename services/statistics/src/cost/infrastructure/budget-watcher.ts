import {
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { newEvent, streamIds } from '@federa/contracts';
import { StreamVersionConflict, type EventStore } from '@federa/eventstore';
import type { Pool } from 'pg';
import type { CostReports } from '../api/cost-reports';
import {
  decideBudget,
  evolveBudget,
  isUsageCurrent,
  noBudgetHistory,
  type BudgetEvent,
  type BudgetMeasurement,
  type BudgetState,
} from '../domain/budget-watch';
import { BudgetBreaches, type BudgetBreach } from './budget-breaches';
import { serviceBudgets } from './service-budgets';

const MINUTE = 60_000;
const HOUR = 3_600_000;

/**
 * Measures every budgeted service's cost over the last hour (to the last whole minute) and records
 * each breach once on `budget-<service>`: the stream's version is the guard, so two
 * replicas measuring the same hour append one BudgetExceeded between them.
 */
export class BudgetWatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('budget-watcher');
  private readonly breaches: BudgetBreaches;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly store: EventStore,
    private readonly reports: CostReports,
    private readonly everyMs: number,
    /** Whether this replica runs the round (statistics' jobs lease); @default always */
    private readonly leads: () => Promise<boolean> = () => Promise.resolve(true),
  ) {
    this.breaches = new BudgetBreaches(pool);
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): Promise<void> {
    if (this.running) return this.running;
    // One replica measures: the others would append nothing (the stream's version guards), at a cost.
    this.running = this.leads()
      .then((leading) => (leading ? this.check() : undefined))
      .catch((error: unknown) => this.log.warn(`budget check failed: ${String(error)}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** One round over every budgeted service; `now` for tests. */
  async check(now = Date.now()): Promise<void> {
    const budgets = await serviceBudgets(this.pool);
    if (budgets.size === 0) return;
    const to = Math.floor(now / MINUTE) * MINUTE;
    const from = to - HOUR;
    const [costs, breaches, newestMinute] = await Promise.all([
      this.reports.breakdown('service', from, to, [...budgets.keys()]),
      this.breaches.all(),
      this.newestUsageMinute(to),
    ]);
    const usageCurrent = isUsageCurrent(newestMinute, to);
    const costOf = new Map(costs.lines.map((l) => [l.key, l.cost]));
    for (const [service, maxCostPerHour] of budgets) {
      const measurement: BudgetMeasurement = {
        service,
        maxCostPerHour,
        costPerHour: costOf.get(service) ?? 0,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
      };
      await this.record(
        measurement,
        usageCurrent,
        breaches.get(service) ?? {
          ...noBudgetHistory,
          exceededSince: null,
          exceededCostPerHour: null,
        },
      );
    }
  }

  /** The newest minute of usage stored before `to` (epoch ms), or null when none in the last day. */
  private async newestUsageMinute(to: number): Promise<number | null> {
    const { rows } = await this.pool.query<{ minute: Date | null }>(
      `SELECT max(minute) AS minute FROM statistics.usage_minutes WHERE minute >= $1 AND minute < $2`,
      [new Date(to - 24 * HOUR), new Date(to)],
    );
    return rows[0]?.minute ? rows[0].minute.getTime() : null;
  }

  private async record(
    measurement: BudgetMeasurement,
    usageCurrent: boolean,
    known: BudgetBreach,
  ): Promise<void> {
    let state: BudgetBreach = known;
    for (let attempt = 0; attempt < 2; attempt++) {
      const events = decideBudget(state, measurement, usageCurrent);
      if (events.length === 0) {
        if (state !== known) await this.breaches.save(measurement.service, state);
        return;
      }
      try {
        await this.store.append(
          streamIds.budget(measurement.service),
          state.version === 0 ? 'no-stream' : state.version,
          events.map((e) =>
            newEvent(e.type, e.data, {
              correlationId: `budget-${measurement.service}-${measurement.to}`,
              actor: 'statistics',
              decidedBy: 'statistics',
              occurredAt: new Date().toISOString(),
            }),
          ),
        );
        await this.breaches.save(measurement.service, events.reduce(applyBreach, state));
        return;
      } catch (error) {
        if (!(error instanceof StreamVersionConflict)) throw error;
        state = await this.fromStream(measurement.service);
      }
    }
  }

  /** The breach state as the stream says, when the cached version was behind it. */
  private async fromStream(service: string): Promise<BudgetBreach> {
    const { events } = await this.store.readStream(streamIds.budget(service));
    return events.reduce<BudgetBreach>(
      (state, e) => applyBreach(state, e as unknown as BudgetEvent),
      { ...noBudgetHistory, exceededSince: null, exceededCostPerHour: null },
    );
  }
}

function applyBreach(state: BudgetBreach, event: BudgetEvent): BudgetBreach {
  const next: BudgetState = evolveBudget(state, event);
  if (event.type === 'BudgetExceeded')
    return { ...next, exceededSince: event.data.to, exceededCostPerHour: event.data.costPerHour };
  if (event.type === 'BudgetRestored')
    return { ...next, exceededSince: null, exceededCostPerHour: null };
  return { ...state, ...next };
}
