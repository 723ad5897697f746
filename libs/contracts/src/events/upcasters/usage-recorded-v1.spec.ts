import { validateEvent } from '../validate-event';
import { upcast } from '../upcasters';

describe('usage recorded per minute under the first schema', () => {
  const v1 = {
    type: 'UsageRecorded',
    schemaVersion: 1,
    data: {
      service: 'shop',
      app: 'web',
      instance: 'shop-web-1',
      host: 'mph-1',
      minute: '2026-03-01T10:07:00Z',
      cpuMillis: 500,
      memoryBytes: 2 * 1024 ** 3,
      storageBytes: 6 * 1024 ** 3,
      networkBytes: 1001,
      load: 0.5,
      samples: 60,
      cost: 0.002,
    },
  };

  it('reads as a one-minute period of amounts, valid at the current version', () => {
    const event = upcast(v1);
    expect(event.schemaVersion).toBe(2);
    expect(event.data).toEqual({
      service: 'shop',
      app: 'web',
      instance: 'shop-web-1',
      host: 'mph-1',
      from: '2026-03-01T10:07:00Z',
      periodMinutes: 1,
      activeMinutes: 1,
      cpuSeconds: 30,
      memoryGibMinutes: 2,
      storageGibHours: 0.1,
      networkInBytes: 500,
      networkOutBytes: 501,
      load: 0.5,
      samples: 60,
      cost: 0.002,
    });
    expect(validateEvent('UsageRecorded', event.schemaVersion, event.data)).toEqual([]);
  });

  it('leaves the stored event as it was', () => {
    upcast(v1);
    expect(v1.data).toHaveProperty('minute', '2026-03-01T10:07:00Z');
    expect(v1.schemaVersion).toBe(1);
  });
});
