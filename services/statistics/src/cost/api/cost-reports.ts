import { ValidationFailed, type CostReport, type GetCostsQuery } from '@federa/contracts';
import type { Pool } from 'pg';
import { costBreakdown, type CostBreakdown } from '../domain/cost-breakdown';
import type { CostGroupingKind } from '../domain/cost-grouping';
import { BudgetBreaches } from '../infrastructure/budget-breaches';
import { CostReader } from '../infrastructure/cost-reader';
import { serviceBudgets } from '../infrastructure/service-budgets';

const DAY = 86_400_000;
/** A window longer than this is refused: the daily rollups make a year cheap, more is a mistake. */
const maxWindowMs = 400 * DAY;

/** `GET /v1/costs`: the window checked, the cost computed, services' budgets shown beside them. */
export class CostReports {
  private readonly reader: CostReader;
  private readonly breaches: BudgetBreaches;

  constructor(private readonly pool: Pool) {
    this.reader = new CostReader(pool);
    this.breaches = new BudgetBreaches(pool);
  }

  /**
   * Cost per group over [from, to) in epoch ms, as computed from statistics' tables; `services`:
   * only theirs (their lines are whole: standing shares still weigh every instance on a host).
   */
  async breakdown(
    groupBy: CostGroupingKind,
    from: number,
    to: number,
    services?: readonly string[],
  ): Promise<CostBreakdown> {
    return costBreakdown(await this.reader.inputs(groupBy, from, to, services));
  }

  async report(query: GetCostsQuery, now = Date.now()): Promise<CostReport> {
    const groupBy = query.groupBy ?? 'service';
    const to = query.to ? Date.parse(query.to) : now;
    const from = query.from ? Date.parse(query.from) : to - DAY;
    if (!(from < to))
      throw new ValidationFailed([{ path: 'from', reason: 'must be before to' }], 'costs query');
    if (to - from > maxWindowMs)
      throw new ValidationFailed(
        [{ path: 'from', reason: 'window longer than 400 days' }],
        'costs query',
      );
    if (query.service && groupBy !== 'service' && groupBy !== 'application')
      throw new ValidationFailed(
        [{ path: 'service', reason: 'only with groupBy service or application' }],
        'costs query',
      );
    const service = query.service;
    const result = await this.breakdown(groupBy, from, to, service ? [service] : undefined);
    const lines = service
      ? result.lines.filter((l) => l.key === service || l.key.startsWith(`${service}/`))
      : result.lines;
    // A service asked for by name is answered even when it cost nothing (describe service shows it).
    if (service && groupBy === 'service' && lines.length === 0)
      lines.push({ key: service, usageCost: 0, standingCost: 0, cost: 0 });
    const [budgets, breaches] =
      groupBy === 'service'
        ? await Promise.all([serviceBudgets(this.pool), this.breaches.all()])
        : [new Map<string, number>(), new Map()];
    return {
      groupBy,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      items: lines.map((l) => {
        const max = budgets.get(l.key);
        const breach = breaches.get(l.key);
        return {
          ...l,
          ...(max === undefined
            ? {}
            : {
                budget: {
                  maxCostPerHour: max,
                  exceededSince: breach?.inBreach ? breach.exceededSince : null,
                  exceededCostPerHour: breach?.inBreach ? breach.exceededCostPerHour : null,
                },
              }),
        };
      }),
      total: service ? lines.reduce((sum, l) => sum + l.cost, 0) : result.total,
      unattributed: service ? 0 : result.unattributed,
    };
  }
}
