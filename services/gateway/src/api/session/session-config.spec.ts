import { ConfigurationError } from '@federa/runtime';
import { loadSessionConfig, sessionDefaults } from './session-config';

describe('loadSessionConfig', () => {
  it('keeps sessions eight hours, with a Secure cookie only on TLS, when nothing is set', () => {
    expect(loadSessionConfig({})).toEqual(sessionDefaults);
    expect(sessionDefaults.ttlMs).toBe(8 * 3600 * 1000);
  });

  it('reads the lifetime and the Secure flag', () => {
    expect(
      loadSessionConfig({ FEDERA_SESSION_TTL_MS: '60000', FEDERA_SESSION_SECURE_COOKIE: 'true' }),
    ).toEqual({ ttlMs: 60_000, secureCookie: true });
  });

  it('refuses a Secure flag that is neither true nor false, naming its variable', () => {
    expect(() => loadSessionConfig({ FEDERA_SESSION_SECURE_COOKIE: 'yes' })).toThrow(
      ConfigurationError,
    );
    expect(() => loadSessionConfig({ FEDERA_SESSION_SECURE_COOKIE: 'yes' })).toThrow(
      /FEDERA_SESSION_SECURE_COOKIE/,
    );
  });

  it('refuses a lifetime over seven days, naming its variable, and accepts seven days', () => {
    const week = String(7 * 24 * 3600 * 1000);
    expect(loadSessionConfig({ FEDERA_SESSION_TTL_MS: week }).ttlMs).toBe(Number(week));
    expect(() => loadSessionConfig({ FEDERA_SESSION_TTL_MS: String(Number(week) + 1) })).toThrow(
      /FEDERA_SESSION_TTL_MS/,
    );
  });
});
