import { InMemoryEventStore } from '@federa/eventstore/in-memory';
import { forecastCapacity, type CapacityForecast } from '../domain/capacity-forecast';
import { CapacityForecastRecorder } from './capacity-forecast-recorder';

const HOUR = 3_600_000;
const START = Date.parse('2026-11-01T00:00:00.000Z');
const history = Array.from({ length: 168 }, (_, t) => ({
  hour: new Date(START + t * HOUR),
  value: 100 + 10 * t,
}));

function forecasts(computedAt: Date): CapacityForecast[] {
  return (['cpu', 'memory'] as const).map((resource) =>
    forecastCapacity(
      { scope: 'site', subject: 'geneva', resource, capacity: 2270, history },
      { computedAt, warnDays: 7 },
    ),
  );
}

describe('recording capacity forecasts', () => {
  const tenPast = new Date(START + 168 * HOUR + 10 * 60_000);
  const twentyPast = new Date(tenPast.getTime() + 10 * 60_000);
  const nextHour = new Date(tenPast.getTime() + HOUR);

  it('appends each resource once per hour, however often it is asked', async () => {
    const store = new InMemoryEventStore();
    const recorder = new CapacityForecastRecorder(store);
    expect(await recorder.record(forecasts(tenPast))).toHaveLength(2);
    expect(await recorder.record(forecasts(twentyPast))).toEqual([]);
    expect(await recorder.record(forecasts(nextHour))).toHaveLength(2);
    const { events } = await store.readStream('forecast-site-geneva');
    expect(events.map((e) => [e.type, (e.data as { resource: string }).resource])).toEqual([
      ['CapacityForecasted', 'cpu'],
      ['CapacityForecasted', 'memory'],
      ['CapacityForecasted', 'cpu'],
      ['CapacityForecasted', 'memory'],
    ]);
  });

  it('appends nothing more when another replica recorded the hour first', async () => {
    const store = new InMemoryEventStore();
    const first = new CapacityForecastRecorder(store);
    const second = new CapacityForecastRecorder(store);
    // The second replica has seen the stream before the first one's append: it meets a conflict.
    expect(await second.record(forecasts(new Date(tenPast.getTime() - HOUR)))).toHaveLength(2);
    expect(await first.record(forecasts(tenPast))).toHaveLength(2);
    // Its events carry the same ids as the first replica's: the log takes them once.
    await second.record(forecasts(twentyPast));
    expect((await store.readStream('forecast-site-geneva')).version).toBe(4);
    expect(await second.record(forecasts(twentyPast))).toEqual([]);
  });

  it('re-reads the stream after a conflict and appends the next hour after the other replica', async () => {
    const store = new InMemoryEventStore();
    const first = new CapacityForecastRecorder(store);
    const second = new CapacityForecastRecorder(store);
    await second.record(forecasts(new Date(tenPast.getTime() - HOUR)));
    await first.record(forecasts(tenPast));
    // The second replica still believes the stream at version 2: its append conflicts, is re-decided.
    expect(await second.record(forecasts(nextHour))).toHaveLength(2);
    const { events, version } = await store.readStream('forecast-site-geneva');
    expect(version).toBe(6);
    expect(events.map((e) => (e.data as { computedAt: string }).computedAt.slice(11, 13))).toEqual([
      '23',
      '23',
      '00',
      '00',
      '01',
      '01',
    ]);
  });

  it('reads only the tail of a long forecast stream when it starts', async () => {
    const store = new InMemoryEventStore();
    const writer = new CapacityForecastRecorder(store);
    for (let h = 0; h < 20; h++)
      await writer.record(forecasts(new Date(tenPast.getTime() + h * HOUR)));
    let read = 0;
    const readStream = store.readStream.bind(store);
    store.readStream = async (id, options) => {
      const result = await readStream(id, options);
      read += result.events.length;
      return result;
    };
    const restarted = new CapacityForecastRecorder(store);
    // The hour already recorded is seen from the tail; the next one is appended after it.
    expect(await restarted.record(forecasts(new Date(tenPast.getTime() + 19 * HOUR)))).toEqual([]);
    expect(await restarted.record(forecasts(new Date(tenPast.getTime() + 20 * HOUR)))).toHaveLength(
      2,
    );
    expect(read).toBeLessThan(20);
    expect((await readStream('forecast-site-geneva')).version).toBe(42);
  });

  it('records nothing for a forecast without enough history', async () => {
    const store = new InMemoryEventStore();
    const short = forecastCapacity(
      { scope: 'fleet', resource: 'cpu', capacity: 100, history: history.slice(0, 10) },
      { computedAt: tenPast, warnDays: 7 },
    );
    expect(await new CapacityForecastRecorder(store).record([short])).toEqual([]);
    expect((await store.readStream('forecast-fleet')).version).toBe(0);
  });
});
