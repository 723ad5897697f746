import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { ResourceKinds, type ForecastQuantity, type ForecastView } from '@federa/contracts';
import type { EventStore } from '@federa/eventstore';
import type { Pool } from 'pg';
import {
  forecastCapacity,
  horizonHoursFor,
  type CapacityForecast,
} from '../domain/capacity-forecast';
import { forecastDemand, type HourlyObservation } from '../domain/demand-forecast';
import { applicationForecastView, capacityForecastView } from '../domain/forecast-view';
import { demandSeries, type HourlyUsage } from '../domain/usage-demand';
import type { ForecastConfig } from '../forecast-config';
import { CapacityForecastRecorder } from './capacity-forecast-recorder';
import {
  readFleetHourlyUsage,
  readHourlyUsage,
  readSiteCapacities,
  type Capacity,
} from './forecast-inputs';
import { replaceForecasts } from './forecast-store';

const HOUR_MS = 3_600_000;
/** Two weeks of hours: fourteen daily seasons, more than the model needs, little to read. */
const HISTORY_HOURS = 14 * 24;
const applicationQuantities: readonly ForecastQuantity[] = [...ResourceKinds, 'load'];

export interface ForecastJobLog {
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Every interval, on the replica that leads the jobs, forecasts used capacity of the fleet and each site and demand of each application
 * from the complete hours of the hourly rollups, stores the latest forecasts for the API, appends
 * CapacityForecasted once per site/fleet resource per hour, and logs a warning, once an hour, for each
 * resource forecast to run out within the warning days.
 */
export class ForecastJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly recorder: CapacityForecastRecorder;

  constructor(
    private readonly pool: Pool,
    store: EventStore,
    private readonly config: ForecastConfig,
    private readonly log: ForecastJobLog,
    private readonly clock: () => Date = () => new Date(),
    /** Whether this replica runs the round (one replica at a time does); @default always */
    private readonly leads: () => Promise<boolean> = async () => true,
  ) {
    this.recorder = new CapacityForecastRecorder(store);
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.leads()
        .then((leads) => (leads ? this.runOnce() : undefined))
        .then(() => undefined)
        .catch((error: unknown) => this.log.error(`forecast run failed: ${String(error)}`))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(tick, this.config.intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One forecast of everything; returns the capacity forecasts it computed. */
  async runOnce(): Promise<CapacityForecast[]> {
    const now = this.clock();
    const until = new Date(now.getTime() - (now.getTime() % HOUR_MS));
    const since = new Date(until.getTime() - HISTORY_HOURS * HOUR_MS);
    const [capacities, siteUsage, fleetUsage, applicationUsage] = await Promise.all([
      readSiteCapacities(this.pool),
      readHourlyUsage(this.pool, 'site', since, until),
      readFleetHourlyUsage(this.pool, since, until),
      readHourlyUsage(this.pool, 'application', since, until),
    ]);
    const options = { computedAt: now, warnDays: this.config.warnDays };
    const views: ForecastView[] = [];
    const capacityForecasts: CapacityForecast[] = [];
    const addCapacity = (
      scope: 'fleet' | 'site',
      subject: string | undefined,
      capacity: Capacity,
      usage: readonly HourlyUsage[],
    ) => {
      for (const resource of ResourceKinds) {
        const history = demandSeries(usage, resource);
        const forecast = forecastCapacity(
          { scope, subject, resource, capacity: capacity[resource], history },
          options,
        );
        capacityForecasts.push(forecast);
        views.push(capacityForecastView(forecast, history));
      }
    };
    addCapacity('fleet', undefined, totalCapacity(capacities.values()), fleetUsage);
    const sites = [...new Set([...capacities.keys(), ...siteUsage.keys()])].sort();
    for (const site of sites) {
      addCapacity('site', site, capacities.get(site) ?? noCapacity(), siteUsage.get(site) ?? []);
      await eventLoopTurn();
    }
    const horizonHours = horizonHoursFor(this.config.warnDays);
    for (const [application, usage] of [...applicationUsage].sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      for (const quantity of applicationQuantities) {
        const history: HourlyObservation[] = demandSeries(usage, quantity);
        const forecast = forecastDemand(history, horizonHours, new Date(until.getTime() - HOUR_MS));
        views.push(
          applicationForecastView(application, quantity, forecast, history, now, horizonHours),
        );
      }
      await eventLoopTurn();
    }
    await replaceForecasts(this.pool, views);
    const recorded = await this.recorder.record(capacityForecasts);
    for (const forecast of recorded) {
      if (forecast.warning) this.log.warn(warningMessage(forecast, now));
    }
    return capacityForecasts;
  }
}

function warningMessage(forecast: CapacityForecast, now: Date): string {
  const where = forecast.scope === 'fleet' ? 'the fleet' : `site ${forecast.subject}`;
  const days = (Date.parse(forecast.runsOutAt!) - now.getTime()) / 86_400_000;
  const when = days <= 0 ? 'has run out' : `runs out in ${days.toFixed(1)} days`;
  return `${where} ${when} of ${forecast.resource} (at ${forecast.runsOutAt}, upper 80 % forecast against capacity ${forecast.capacity})`;
}

/**
 * Lets commands and the event consumer in: a run over a thousand applications is seconds of
 * arithmetic, done a subject at a time.
 */
function eventLoopTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function noCapacity(): Capacity {
  return { cpu: 0, memory: 0, storage: 0, bandwidth: 0 };
}

function totalCapacity(capacities: Iterable<Capacity>): Capacity {
  const total = noCapacity();
  for (const capacity of capacities) {
    for (const resource of ResourceKinds) total[resource] += capacity[resource];
  }
  return total;
}
