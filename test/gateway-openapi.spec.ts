import {
  ApiTokenPage,
  CreatedApiToken,
  EventPage,
  validatePayload,
  type FieldError,
} from '@federa/contracts';
import { freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import type { ClassConstructor } from 'class-transformer';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
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
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
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

/** What a route's handler reads of a request, from Nest's metadata of its controller method. */
interface HandlerReads {
  body: boolean;
  /** It takes the request itself (`@Req()`): it may read the body raw (a YAML spec). */
  rawRequest: boolean;
  /** The query parameters it reads by name (`@Query('dryRun')`). */
  namedQuery: string[];
  /** It reads the whole query (`@Query()`), parsing the parameters itself. */
  wholeQuery: boolean;
}

/** Every route handler of the gateway, by the operationId the document gives it (`Controller_method`). */
function handlerReads(): Map<string, HandlerReads> {
  const reads = new Map<string, HandlerReads>();
  for (const module of gateway.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const method of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[method];
        if (typeof handler !== 'function' || method === 'constructor') continue;
        if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
          string,
          { data?: unknown }
        >;
        const of = (type: RouteParamtypes) =>
          Object.entries(args)
            .filter(([key]) => key.split(':')[0] === String(type))
            .map(([, arg]) => arg.data);
        reads.set(`${controller.name}_${method}`, {
          body: of(RouteParamtypes.BODY).length > 0,
          rawRequest: of(RouteParamtypes.REQUEST).length > 0,
          namedQuery: of(RouteParamtypes.QUERY).filter((d): d is string => typeof d === 'string'),
          wholeQuery: of(RouteParamtypes.QUERY).some((d) => d === undefined),
        });
      }
    }
  }
  return reads;
}

/** A parameter's schema that says what it takes: a type, an enum or a format. */
function typedParameter(parameter: Parameter): boolean {
  const schema = parameter.schema;
  return !!schema && (schema.type !== undefined || schema.$ref !== undefined);
}

/** Why an operation's request is not fully described, or nothing when it is. */
function undescribedRequest(
  path: string,
  op: Operation,
  reads: HandlerReads | undefined,
): string[] {
  const reasons: string[] = [];
  const parameters = op.parameters ?? [];
  for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
    if (!parameters.some((p) => p.in === 'path' && p.name === name && p.required))
      reasons.push(`path parameter ${name} not declared as required`);
  }
  for (const parameter of parameters.filter((p) => !typedParameter(p)))
    reasons.push(`${parameter.in} parameter ${parameter.name} without a typed schema`);
  if (op.requestBody) {
    const contents = Object.entries(op.requestBody.content ?? {});
    if (contents.length === 0) reasons.push('request body without a content type');
    for (const [type, media] of contents)
      if (!typed(media.schema))
        reasons.push(`request body ${type} is not a schema with properties`);
  }
  if (!reads) return [...reasons, 'no handler found for its operationId'];
  if (reads.body && !op.requestBody) reasons.push('reads a body that is not documented');
  if (!reads.body && !reads.rawRequest && op.requestBody)
    reasons.push('documents a body it does not read');
  const queries = parameters.filter((p) => p.in === 'query').map((p) => p.name);
  for (const name of reads.namedQuery)
    if (!queries.includes(name)) reasons.push(`reads query parameter ${name}, not documented`);
  if (reads.wholeQuery && queries.length === 0)
    reasons.push('reads its query string but documents no query parameter');
  return reasons;
}

/**
 * Handlers kept out of the document on purpose, by operationId: Prometheus' text format and the
 * dashboard's HTML and assets are no JSON API (ops/metrics.md, the dashboard's own page).
 */
const hiddenHandlers = [
  'MetricsController_metricsText',
  'DashboardController_page',
  'DashboardController_asset',
];

describe('the requests the OpenAPI document describes', () => {
  it('names every route that lacks a typed description of its path, query or body parameters', () => {
    const reads = handlerReads();
    expect(reads.size).toBeGreaterThan(20);
    const undescribed = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => httpMethods.includes(method))
        .map(
          ([method, op]) =>
            [
              `${method.toUpperCase()} ${path}`,
              undescribedRequest(path, op, reads.get(op.operationId ?? '')),
            ] as const,
        )
        .filter(([, reasons]) => reasons.length > 0),
    );
    expect(undescribed).toEqual([]);
  });

  it('documents every route the gateway serves, and nothing it does not', () => {
    const documented = new Set(operations().map(([, op]) => op.operationId));
    const served = [...handlerReads().keys()].filter((id) => !hiddenHandlers.includes(id));
    expect(served.filter((id) => !documented.has(id))).toEqual([]);
    expect([...documented].filter((id) => !handlerReads().has(id ?? ''))).toEqual([]);
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
