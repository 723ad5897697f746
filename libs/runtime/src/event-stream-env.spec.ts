import { eventStreamSettingsFromEnv } from './event-stream-env';

describe('the event stream settings read from the environment', () => {
  it('set nothing when no variable is set, so that a new stream stays single-node and an existing one keeps its own', () => {
    expect(eventStreamSettingsFromEnv({})).toEqual({});
    expect(
      eventStreamSettingsFromEnv({
        FEDERA_STREAM_REPLICAS: '',
        FEDERA_STREAM_MAX_AGE: '',
        FEDERA_STREAM_MAX_BYTES: '',
      }),
    ).toEqual({});
  });

  it('take replicas from 1 to 5, a duration as max age and a size as max bytes', () => {
    expect(
      eventStreamSettingsFromEnv({
        FEDERA_STREAM_REPLICAS: '3',
        FEDERA_STREAM_MAX_AGE: '1d12h',
        FEDERA_STREAM_MAX_BYTES: '10Gi',
      }),
    ).toEqual({ replicas: 3, maxAgeMs: 36 * 3_600_000, maxBytes: 10 * 1024 ** 3 });
    expect(
      eventStreamSettingsFromEnv({ FEDERA_STREAM_MAX_AGE: '90m', FEDERA_STREAM_MAX_BYTES: '500M' }),
    ).toEqual({ maxAgeMs: 90 * 60_000, maxBytes: 500_000_000 });
  });

  it('take 0 as no limit, which removes a limit an existing stream has', () => {
    expect(
      eventStreamSettingsFromEnv({ FEDERA_STREAM_MAX_AGE: '0', FEDERA_STREAM_MAX_BYTES: '0' }),
    ).toEqual({ maxAgeMs: 0, maxBytes: 0 });
  });

  it.each(['0', '6', '2.5', 'three', '-1'])('refuse %p replicas naming the variable', (raw) => {
    expect(() => eventStreamSettingsFromEnv({ FEDERA_STREAM_REPLICAS: raw })).toThrow(
      `FEDERA_STREAM_REPLICAS must be an integer from 1 to 5 (JetStream keeps at most 5 copies), got ${JSON.stringify(raw)}`,
    );
  });

  it.each(['7', '7 days', '1w', '-1d', '1.5h'])('refuse max age %p naming the variable', (raw) => {
    expect(() => eventStreamSettingsFromEnv({ FEDERA_STREAM_MAX_AGE: raw })).toThrow(
      `FEDERA_STREAM_MAX_AGE must be a duration like 30d, 12h or 1d12h (0 for no limit), got ${JSON.stringify(raw)}`,
    );
  });

  it("refuse a max age shorter than the stream's duplicate window", () => {
    expect(() => eventStreamSettingsFromEnv({ FEDERA_STREAM_MAX_AGE: '90s' })).toThrow(
      /^FEDERA_STREAM_MAX_AGE must be at least 2m \(the stream's duplicate window\)/,
    );
    expect(eventStreamSettingsFromEnv({ FEDERA_STREAM_MAX_AGE: '2m' })).toEqual({
      maxAgeMs: 120_000,
    });
  });

  it('refuse a max bytes that is no size, or a size below 1Mi, naming the variable', () => {
    expect(() => eventStreamSettingsFromEnv({ FEDERA_STREAM_MAX_BYTES: 'lots' })).toThrow(
      /^FEDERA_STREAM_MAX_BYTES must be a size like 10Gi or 500M \(0 for no limit\)/,
    );
    expect(() => eventStreamSettingsFromEnv({ FEDERA_STREAM_MAX_BYTES: '1000' })).toThrow(
      'FEDERA_STREAM_MAX_BYTES must be at least 1Mi, or 0 for no limit, got "1000"',
    );
  });
});
