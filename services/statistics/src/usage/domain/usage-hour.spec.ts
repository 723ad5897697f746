import { validateEvent } from '@federa/contracts';
import {
  hourMs,
  hoursToRecord,
  usageRecordedEvent,
  usageRecordedEventId,
  type InstanceHourUsage,
} from './usage-hour';

const hour = Date.UTC(2026, 2, 1, 10);
const usage: InstanceHourUsage = {
  instance: 'shop-web-1',
  host: 'mph-1',
  service: 'shop',
  app: 'web',
  hour,
  activeMinutes: 60,
  cpuSeconds: 1800,
  memoryGibMinutes: 120,
  storageGibHours: 36,
  networkInBytes: 360_000,
  networkOutBytes: 1_080_000,
  loadSum: 1500,
  loadSamples: 3000,
  samples: 3600,
};

describe('usage recorded per instance and hour', () => {
  it('is a valid UsageRecorded of the current schema', () => {
    const event = usageRecordedEvent(usage, '2026-03-01T11:05:00.000Z');
    expect(event.data).toEqual({
      service: 'shop',
      app: 'web',
      instance: 'shop-web-1',
      host: 'mph-1',
      from: '2026-03-01T10:00:00.000Z',
      periodMinutes: 60,
      activeMinutes: 60,
      cpuSeconds: 1800,
      memoryGibMinutes: 120,
      storageGibHours: 36,
      networkInBytes: 360_000,
      networkOutBytes: 1_080_000,
      load: 0.5,
      samples: 3600,
    });
    expect(validateEvent('UsageRecorded', 2, event.data)).toEqual([]);
  });

  it('has the same event id for the same instance, host and hour, and another for any other', () => {
    const id = usageRecordedEventId('shop-web-1', 'mph-1', hour);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(usageRecordedEvent(usage, 'x').eventId).toBe(id);
    expect(usageRecordedEventId('shop-web-1', 'mph-1', hour + hourMs)).not.toBe(id);
    expect(usageRecordedEventId('shop-web-1', 'mph-2', hour)).not.toBe(id);
    expect(usageRecordedEventId('shop-web-2', 'mph-1', hour)).not.toBe(id);
  });

  it('records closed hours after the last one recorded, oldest first', () => {
    const h = (n: number) => ({ hour: hour + n * hourMs });
    expect(hoursToRecord([h(3), h(1), h(2), h(0)], hour, hour + 3 * hourMs)).toEqual([h(1), h(2)]);
    expect(hoursToRecord([h(0)], undefined, hour + hourMs)).toEqual([h(0)]);
    expect(hoursToRecord([h(0)], undefined, hour + hourMs - 1)).toEqual([]);
  });
});
