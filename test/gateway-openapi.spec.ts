import {
  ApiTokenPage,
  CreatedApiToken,
  EventPage,
  validatePayload,
  type FieldError,
} from '@federa/contracts';
import { freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import type { ClassConstructor } from 'class-transformer';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';

jest.setTimeout(60_000);

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  nullable?: boolean;
  items?: Schema;
}
interface Operation {
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const adminToken = 'admin-token-for-openapi-tests';
let database: FreshDatabase;
let gateway: GatewayApp;
let document: Document;

beforeAll(async () => {
  database = await freshDatabase('gateway_openapi');
  gateway = await createGatewayApp({
    databaseUrl: database.url,
    natsUrl: process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222',
    httpPort: 0,
    httpHost: '127.0.0.1',
    apiToken: adminToken,
    heartbeatMs: 1000,
    subjectPrefix: uniquePrefix('gwdoc'),
    logLevel: 'silent',
    commandTimeoutMs: 500,
  });
  document = (await (await fetch(`${gateway.url}/docs-json`)).json()) as Document;
});

afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

const httpMethods = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation of the document as `METHOD path`. */
function operations(): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => httpMethods.includes(method))
      .map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
  );
}

function v1Operations(): [string, Operation][] {
  return operations().filter(([name]) => name.includes(' /v1/'));
}

/** The component a schema refers to (directly or through `allOf`), or the schema itself. */
function referred(schema: Schema | undefined): Schema | undefined {
  const ref = schema?.$ref ?? schema?.allOf?.[0]?.$ref;
  return ref ? document.components.schemas[ref.replace('#/components/schemas/', '')] : schema;
}

/** A schema with properties, or one of several such (a route whose answer depends on a flag). */
function typed(schema: Schema | undefined): boolean {
  if (schema?.oneOf) return schema.oneOf.length > 0 && schema.oneOf.every(typed);
  return referred(schema)?.properties !== undefined;
}

/** Why an operation's success answers are not typed, or nothing when they all are. */
function untypedSuccesses(op: Operation): string[] {
  const successes = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
  if (successes.length === 0) return ['no success answer documented'];
  return successes.flatMap(([status, response]) => {
    if (status === '204') return response.content ? ['204 with a body'] : [];
    const contents = Object.entries(response.content ?? {});
    if (contents.length === 0) return [`${status} without a body schema`];
    return contents
      .filter(([, media]) => !typed(media.schema))
      .map(([type]) => `${status} ${type} is not a schema with properties`);
  });
}

function refsIn(value: unknown): string[] {
  const refs: string[] = [];
  JSON.stringify(value, (key, v: unknown) => {
    if (key === '$ref') refs.push(String(v));
    return v;
  });
  return refs;
}

async function get(path: string, init: RequestInit = {}) {
  const response = await fetch(`${gateway.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${adminToken}`,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
  return { status: response.status, json: (await response.json()) as unknown };
}

function contractErrors<T extends object>(cls: ClassConstructor<T>, body: unknown): FieldError[] {
  const checked = validatePayload(cls, body);
  return checked.ok ? [] : checked.errors;
}

describe('the gateway OpenAPI document', () => {
  it('types the answer of every route, each /v1 route among them, with a schema of its properties', () => {
    expect(v1Operations().length).toBeGreaterThan(15);
    const untyped = operations()
      .map(([name, op]) => [name, untypedSuccesses(op)] as const)
      .filter(([, reasons]) => reasons.length > 0);
    expect(untyped).toEqual([]);
  });

  it('gives every /v1 route the error body as its default answer', () => {
    const withoutErrors = v1Operations()
      .filter(
        ([, op]) =>
          referred(op.responses.default?.content?.['application/json']?.schema)?.properties
            ?.error === undefined,
      )
      .map(([name]) => name);
    expect(withoutErrors).toEqual([]);
  });

  it('describes the bodies the gateway reads: a spec as JSON or YAML, a copy, a token request', () => {
    const apply = document.paths['/v1/services/{name}'].put.requestBody?.content ?? {};
    expect(Object.keys(apply)).toEqual(['application/json', 'application/yaml']);
    expect(referred(apply['application/yaml'].schema)?.required).toEqual(
      expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'spec']),
    );
    const copy = document.paths['/v1/services/{name}/copy'].post.requestBody?.content;
    expect(referred(copy?.['application/json'].schema)?.properties).toHaveProperty('as');
    const token = document.paths['/v1/tokens'].post.requestBody?.content;
    expect(referred(token?.['application/json'].schema)?.properties).toHaveProperty('role');
  });

  it('resolves every schema reference to a schema of the document', () => {
    const dangling = refsIn(document).filter(
      (ref) => !document.components.schemas[ref.replace('#/components/schemas/', '')],
    );
    expect(dangling).toEqual([]);
  });

  it('shows a field that may be null as nullable and still always present', () => {
    const host = document.components.schemas.HostView;
    expect(host.properties?.lastHeartbeatAt).toEqual({
      type: 'string',
      format: 'date-time',
      nullable: true,
    });
    expect(host.required).toEqual(expect.arrayContaining(['lastHeartbeatAt', 'downCause']));
    const placement = document.components.schemas.PlacementExplanation;
    expect(placement.properties?.scores).toEqual({
      allOf: [{ $ref: '#/components/schemas/PlacementScores' }],
      nullable: true,
    });
  });
});

describe('the gateway answers', () => {
  it('are the shapes the document declares: a new token, the token list, the event log', async () => {
    const created = await get('/v1/tokens', {
      method: 'POST',
      body: JSON.stringify({ role: 'viewer', name: 'doc-check' }),
    });
    expect(created.status).toBe(201);
    expect(contractErrors(CreatedApiToken, created.json)).toEqual([]);
    expect(contractErrors(ApiTokenPage, (await get('/v1/tokens')).json)).toEqual([]);
    const events = await get('/v1/events?after=0&limit=10');
    expect(events.status).toBe(200);
    expect(contractErrors(EventPage, events.json)).toEqual([]);
  });
});
