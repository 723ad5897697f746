import { createHash } from 'node:crypto';
import {
  ResourceKinds,
  streamIds,
  type CapacityForecastedData,
  type NewEvent,
} from '@federa/contracts';
import { StreamVersionConflict, type EventStore } from '@federa/eventstore';
import { capacityForecastedData, type CapacityForecast } from '../domain/capacity-forecast';

/** Events read from the end of a forecast stream: a few hours of every resource. */
const tailEvents = 4 * ResourceKinds.length;

interface StreamState {
  version: number;
  /** Per resource, the hour (ISO, start) of its last CapacityForecasted. */
  hours: Map<string, string>;
}

/**
 * Appends `CapacityForecasted` to `forecast-<scope>[-<subject>]`, at most once per
 * resource per computation hour, with the stream's expected version. Several replicas may run the
 * job: a conflict re-reads the stream and appends only what is still missing, and each event's id
 * is derived from its stream, resource and hour, so a repeated append is a no-op.
 */
export class CapacityForecastRecorder {
  private readonly streams = new Map<string, StreamState>();

  constructor(
    private readonly store: EventStore,
    private readonly actor = 'statistics',
  ) {}

  /**
   * Records the forecasts not yet recorded this hour; returns those this recorder had not seen
   * recorded (a replica racing another may return forecasts whose events the other appended).
   */
  async record(forecasts: readonly CapacityForecast[]): Promise<CapacityForecast[]> {
    const byStream = new Map<string, CapacityForecast[]>();
    for (const forecast of forecasts) {
      if (capacityForecastedData(forecast) === undefined) continue;
      const stream = streamIds.forecast(forecast.scope, forecast.subject);
      byStream.set(stream, [...(byStream.get(stream) ?? []), forecast]);
    }
    const appended: CapacityForecast[] = [];
    for (const [stream, ofStream] of byStream) {
      appended.push(...(await this.recordInStream(stream, ofStream)));
    }
    return appended;
  }

  private async recordInStream(
    stream: string,
    forecasts: readonly CapacityForecast[],
  ): Promise<CapacityForecast[]> {
    for (let attempt = 1; ; attempt++) {
      const state = this.streams.get(stream) ?? (await this.load(stream));
      this.streams.set(stream, state);
      const missing = forecasts.filter((f) => state.hours.get(f.resource) !== hourOf(f.computedAt));
      if (missing.length === 0) return [];
      try {
        const result = await this.store.append(
          stream,
          state.version === 0 ? 'no-stream' : state.version,
          missing.map((f) => this.event(stream, f)),
        );
        state.version = result.nextExpectedVersion;
        for (const f of missing) state.hours.set(f.resource, hourOf(f.computedAt));
        this.streams.set(stream, state);
        return missing;
      } catch (error) {
        this.streams.delete(stream);
        if (!(error instanceof StreamVersionConflict) || attempt >= 3) throw error;
      }
    }
  }

  /**
   * The stream's version and the last hour of each resource, from its tail only: a forecast stream
   * grows by a few events an hour for ever, and a resource missing from the tail is at worst asked
   * again (its derived event id makes that a no-op).
   */
  private async load(stream: string): Promise<StreamState> {
    const { version: head } = await this.store.readStream(stream, {
      fromVersion: Number.MAX_SAFE_INTEGER,
    });
    if (head === 0) return { version: 0, hours: new Map() };
    const { events, version } = await this.store.readStream(stream, {
      fromVersion: Math.max(1, head - tailEvents + 1),
    });
    const hours = new Map<string, string>();
    for (const event of events) {
      if (event.type !== 'CapacityForecasted') continue;
      const data = event.data as CapacityForecastedData;
      hours.set(data.resource, hourOf(data.computedAt));
    }
    return { version, hours };
  }

  private event(stream: string, forecast: CapacityForecast): NewEvent<CapacityForecastedData> {
    const hour = hourOf(forecast.computedAt);
    return {
      eventId: derivedUuid(`${stream}|${forecast.resource}|${hour}`),
      type: 'CapacityForecasted',
      data: capacityForecastedData(forecast)!,
      metadata: {
        actor: this.actor,
        decidedBy: 'statistics',
        correlationId: `forecast-${hour}`,
        occurredAt: forecast.computedAt,
      },
    };
  }
}

function hourOf(iso: string): string {
  const at = Date.parse(iso);
  return new Date(at - (at % 3_600_000)).toISOString();
}

/** A UUID (version 5 layout) from a name: the same forecast hour always gets the same event id. */
function derivedUuid(name: string): string {
  const hex = createHash('sha256').update(`federa.capacity-forecast|${name}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
