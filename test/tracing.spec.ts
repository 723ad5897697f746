import { randomBytes } from 'node:crypto';
import { context } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { installTracing } from '@federa/runtime/tracing';
import { eventually } from '@federa/testing';
import { Fleet } from './supervision-fleet';
import { apiToken, startControlPlane, type ControlPlane } from './supervision-harness';

// Installed before any service starts: every span of the plane (all in this process) lands here.
const exporter = new InMemorySpanExporter();
const tracing = installTracing(new SimpleSpanProcessor(exporter), 'federa-test');

const shopYaml = `
apiVersion: federa/v1
kind: Service
metadata: { name: traced }
spec:
  applications:
    - name: web
      layer: process
      artifact: { command: [node, examples/apps/kv-store.js] }
      resources: { cpu: 250m, memory: 128Mi, storage: 1Gi }
`;

/**
 * One apply followed by its deploy, sent in one trace as a client would (its `traceparent` on both
 * requests), is followed by spans across the plane: the gateway's requests, supervision's commands,
 * the appends, placement's round and the agent's start.
 */
describe('traces of an apply', () => {
  let plane: ControlPlane;
  let fleet: Fleet;

  beforeAll(async () => {
    plane = await startControlPlane('tracing');
    fleet = await Fleet.start(plane, ['tr1']);
  }, 120_000);

  afterAll(async () => {
    await fleet?.close();
    await plane?.close();
    await tracing.shutdown();
    // The async-hooks context manager is the process's: later test files in this worker run without it.
    context.disable();
  });

  it('joins the gateway, supervision, placement and an agent in the trace of the apply', async () => {
    const traceId = randomBytes(16).toString('hex');
    const headers = {
      authorization: `Bearer ${apiToken}`,
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
    };
    const applied = await fetch(`${plane.gateway.url}/v1/services/traced`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/yaml' },
      body: shopYaml,
    });
    expect(applied.status).toBeLessThan(300);
    const deployed = await fetch(`${plane.gateway.url}/v1/services/traced/deploy`, {
      method: 'POST',
      headers,
    });
    expect(deployed.status).toBe(202);

    const scopesOfTrace = () =>
      new Set(
        exporter
          .getFinishedSpans()
          .filter((span) => span.spanContext().traceId === traceId)
          .map((span) => span.instrumentationScope.name),
      );
    const wanted = ['federa-gateway', 'federa-supervision', 'federa-placement', 'federa-agent'];
    const seen = await eventually(
      async () => {
        const scopes = scopesOfTrace();
        return wanted.every((scope) => scopes.has(scope)) ? scopes : undefined;
      },
      60_000,
      200,
    ).catch(() => scopesOfTrace());
    const names = exporter
      .getFinishedSpans()
      .filter((span) => span.spanContext().traceId === traceId)
      .map((span) => `${span.instrumentationScope.name}: ${span.name}`);
    console.log(`spans of the apply's trace:\n${[...new Set(names)].join('\n')}`);
    expect([...seen!].sort()).toEqual(expect.arrayContaining(wanted));
    expect(names).toEqual(
      expect.arrayContaining([
        'federa-gateway: HTTP PUT /v1/services/:name',
        'federa-gateway: HTTP POST /v1/services/:name/deploy',
      ]),
    );
  }, 90_000);
});
