import { demoUserAgent } from './demo-api';
import { createLogLineRenderer } from './log-line-renderer';

const time = new Date(2026, 10, 26, 1, 24, 5, 123).getTime();
const pino = (fields: Record<string, unknown>) =>
  JSON.stringify({ level: 30, time, pid: 1, hostname: 'vm', name: 'gateway', ...fields });

describe('createLogLineRenderer', () => {
  const pretty = createLogLineRenderer('pretty', { colour: false });

  it('renders a pino line as time, level, context and message, with its other fields inline', () => {
    expect(pretty(pino({ context: 'Supervisor', msg: 'scale out 2 → 3', epoch: 2 }))).toBe(
      '[01:24:05.123] INFO: [Supervisor] scale out 2 → 3 {"epoch":2}',
    );
  });

  it("renders every service's line the same way, its correlation id among the fields", () => {
    for (const service of ['inventory', 'placement', 'relay', 'agent']) {
      const line = JSON.stringify({
        level: 40,
        time,
        service,
        pid: 9,
        hostname: 'vm',
        context: 'HostCommandHandler',
        msg: 'host h1 cordoned',
        correlationId: 'c-7',
      });
      expect(pretty(line)).toBe(
        '[01:24:05.123] WARN: [HostCommandHandler] host h1 cordoned {"correlationId":"c-7"}',
      );
    }
  });

  it('renders a request log as method, url, status and duration', () => {
    const line = pino({
      req: { method: 'PUT', url: '/v1/services/shop', headers: { 'user-agent': 'curl' } },
      res: { statusCode: 200, headers: {} },
      responseTime: 12,
      msg: 'request completed',
    });
    expect(pretty(line)).toBe('[01:24:05.123] INFO: PUT /v1/services/shop → 200 (12 ms)');
  });

  it("drops Nest's start-up chatter and the demo's own polling, but not a warning", () => {
    expect(pretty(pino({ context: 'RouterExplorer', msg: 'Mapped {/v1, GET} route' }))).toBe(
      undefined,
    );
    const polling = pino({
      req: { method: 'GET', url: '/v1/services/shop', headers: { 'user-agent': demoUserAgent } },
      res: { statusCode: 200 },
      msg: 'request completed',
    });
    expect(pretty(polling)).toBeUndefined();
    expect(pretty(pino({ level: 40, context: 'InstanceLoader', msg: 'slow' }))).toContain(
      'WARN: [InstanceLoader] slow',
    );
  });

  it('renders a Nest console line like a pino one', () => {
    const rendered = pretty('[Nest] 7  - 11/26/2026, 1:24:07 AM   ERROR [Relay] lost NATS +3ms');
    expect(rendered).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] ERROR: \[Relay\] lost NATS$/);
  });

  it('passes any other line through unchanged', () => {
    expect(pretty('web listening on 4242')).toBe('web listening on 4242');
    expect(pretty('{"not":"a log record"}')).toBe('{"not":"a log record"}');
  });

  it('passes every line through as written with --log-format json', () => {
    const json = createLogLineRenderer('json', { colour: false });
    const line = pino({ context: 'RouterExplorer', msg: 'Mapped' });
    expect(json(line)).toBe(line);
  });
});
