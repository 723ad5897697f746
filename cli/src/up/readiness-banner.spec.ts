import { readinessBanner } from './readiness-banner';

describe('readinessBanner', () => {
  it('shows the URLs, the token file and what to try with the demo', () => {
    const banner = readinessBanner({
      apiUrl: 'http://127.0.0.1:8080',
      token: 'fed_abc',
      tokenFrom: { file: '.federa/token' },
      demo: true,
      backends: [],
    });
    expect(banner).toContain('Dashboard http://127.0.0.1:8080/  (sign in with the token below)');
    expect(banner).toContain('Docs      http://127.0.0.1:8080/docs');
    expect(banner).toContain('Token     fed_abc  (saved in .federa/token)');
    for (const hint of [
      'npx federa describe service shop',
      'npx federa get hosts',
      'npx federa events --follow',
      'npm run demo:load',
    ]) {
      expect(banner).toContain(hint);
    }
    expect(banner).not.toContain('export ');
  });

  it('says what another terminal must export when the port or the token is not the default', () => {
    const banner = readinessBanner({
      apiUrl: 'http://127.0.0.1:9090',
      token: 'given',
      tokenFrom: 'environment',
      demo: false,
      backends: [],
    });
    expect(banner).toContain('export FEDERA_API_URL=http://127.0.0.1:9090');
    expect(banner).toContain('export FEDERA_API_TOKEN=');
    expect(banner).not.toContain('demo:load');
  });

  it('says which PostgreSQL and NATS Federa uses, and whose they are', () => {
    const banner = readinessBanner({
      apiUrl: 'http://127.0.0.1:8080',
      token: 'fed_abc',
      tokenFrom: { file: '.federa/token' },
      demo: false,
      backends: [
        { label: 'Postgres', address: '127.0.0.1:5432/federa', note: 'FEDERA_DATABASE_URL' },
        { label: 'NATS', address: '127.0.0.1:4222', note: 'nats-server -js, started by federa up' },
      ],
    });
    expect(banner).toContain('  Postgres  127.0.0.1:5432/federa  (FEDERA_DATABASE_URL)');
    expect(banner).toContain('  NATS      127.0.0.1:4222  (nats-server -js, started by federa up)');
  });

  it("lists on one line the port of each service's health and metrics endpoints", () => {
    const banner = readinessBanner({
      apiUrl: 'http://127.0.0.1:8080',
      token: 'fed_abc',
      tokenFrom: { file: '.federa/token' },
      demo: false,
      backends: [],
      opsPorts: [
        { service: 'inventory', port: 40123 },
        { service: 'placement', port: 40125 },
      ],
    });
    expect(banner).toContain(
      '  Health    /healthz /readyz /metrics on inventory :40123, placement :40125\n',
    );
  });

  it('prints no health line when no service has a port of its own', () => {
    const banner = readinessBanner({
      apiUrl: 'http://127.0.0.1:8080',
      token: 'fed_abc',
      tokenFrom: { file: '.federa/token' },
      demo: false,
      backends: [],
    });
    expect(banner).not.toContain('Health ');
  });
});
