import { Counter, Gauge, Registry, register } from 'prom-client';
import { gatewayAndProcessMetrics } from './metrics.controller';

describe("the gateway's /metrics text", () => {
  afterEach(() => register.clear());

  it("serves the gateway's registry and the process's default registry together, a shared family once", async () => {
    const gateway = new Registry();
    new Counter({ name: 'http_requests_total', help: 'gateway', registers: [gateway] }).inc(3);
    new Gauge({ name: 'shared_family', help: 'the gateway one', registers: [gateway] }).set(1);
    new Gauge({ name: 'federa_nats_connected', help: 'library', labelNames: ['service'] }).set(
      { service: 'gateway' },
      1,
    );
    new Gauge({ name: 'shared_family', help: 'the default one' }).set(2);

    const text = await gatewayAndProcessMetrics(gateway);

    expect(text).toContain('http_requests_total 3');
    expect(text).toContain('federa_nats_connected{service="gateway"} 1');
    expect(text.match(/# TYPE shared_family /g)).toHaveLength(1);
    expect(text).toContain('shared_family 1');
    expect(text).not.toContain('the default one');
  });
});
