import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify as yamlText, parse as parseYaml } from 'yaml';
import { apiToken } from '../supervision-harness';
import { startFuzzPlane, type FuzzPlane } from './fuzz-plane';
import {
  anyJson,
  applyMutation,
  errorsNameMutation,
  fieldValue,
  fuzz,
  mutationOf,
  type Mutation,
} from './fuzz-run';

jest.setTimeout(300_000);

const shop: unknown = parseYaml(readFileSync(join(__dirname, '../../examples/shop.yaml'), 'utf8'));

interface Request {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  /** The mutation of the shop spec the body holds, which a refusal must name. */
  mutation?: Mutation;
}

/** A path segment: plausible ids and names, and odd ones (encoded, or raw where a URL allows). */
const segment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('shop', 'ghost', 'h1', 'i-1', 'rec-0123456789abcdef', 'mig-1', 'a', 'tok-1'),
  fc.constantFrom('%zz', '%', '%E0%A4%A', '..', '.', '%2F', '%00', '%F0%9F%92%A5'),
  fc
    .oneof(
      fc.constantFrom('A', 'a b', 'a.b', '💥', '\u0000', '\u202e', 'x'.repeat(300), '__proto__'),
      fc.constantFrom('constructor', 'null', '-', 'a/b', '?', '#', '*', '>', 'a\nb'),
      fc.string({ maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 10 }),
    )
    .map((text) => {
      try {
        return encodeURIComponent(text);
      } catch {
        return 'lone-surrogate';
      }
    }),
);

const queryKeys = fc.constantFrom(
  'limit',
  'after',
  'service',
  'app',
  'host',
  'state',
  'site',
  'instance',
  'from',
  'to',
  'groupBy',
  'scope',
  'subject',
  'horizon',
  'actor',
  'dryRun',
  'force',
  'colour',
  '',
  'limit[]',
  'limit[a]',
  '__proto__',
);
const queryValue = fc.oneof(
  fc.constantFrom('0', '-1', '1', '501', '1e3', '1.5', 'NaN', '', 'true', 'yes', 'x'.repeat(500)),
  fc.constantFrom('2026-01-01T00:00:00Z', '2999-01-01', '1970-01-01', 'now', '-P1D', 'shop'),
  fc.constantFrom('host', 'service', 'site', 'application', 'fleet', 'bogus', '%zz', '💥'),
  fc.constantFrom('%00', 'a%00b', '%ED%A0%80', '%C0%80', '%FF', 'token:admin', 'agent:h1'),
  fc.string({ maxLength: 12 }),
);
/** A query string: known and unknown keys, repeated keys, bracketed keys, raw bad escapes. */
const queryString = fc
  .array(fc.tuple(queryKeys, queryValue), { maxLength: 5 })
  .chain((pairs) =>
    fc
      .constantFrom('encoded', 'raw')
      .map((style) =>
        pairs
          .map(([key, value]) =>
            style === 'raw' ? `${key}=${value}` : `${encodeURIComponent(key)}=${safeEncode(value)}`,
          )
          .join('&'),
      ),
  );

function safeEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return 'x';
  }
}

/** A body for a small action: its known keys and others, with any values; or anything at all. */
function actionBody(keys: string[]): fc.Arbitrary<Pick<Request, 'body' | 'contentType'>> {
  const object = fc
    .dictionary(
      fc.oneof(fc.constantFrom('reason', ...keys), fc.string({ maxLength: 6 })),
      fieldValue,
      {
        maxKeys: 4,
      },
    )
    .map((value) => JSON.stringify(value));
  return fc.oneof(
    object.map((body) => ({ body, contentType: 'application/json' })),
    anyJson.map((value) => ({ body: JSON.stringify(value), contentType: 'application/json' })),
    rawBody,
  );
}

/** Bodies no parser should take: broken JSON, a deep one, the wrong content type, none. */
const rawBody: fc.Arbitrary<Pick<Request, 'body' | 'contentType'>> = fc.oneof(
  fc.record({
    body: fc.oneof(
      fc.constantFrom('{', '{"a":', 'nul', '\u0000', '[1,]', '{"a":1}{', '"\\ud800"', '1e999'),
      fc.constantFrom(`${'['.repeat(2000)}${']'.repeat(2000)}`, '{"__proto__":{"x":1}}'),
      fc.string({ maxLength: 30 }),
    ),
    contentType: fc.constantFrom(
      'application/json',
      'application/yaml',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/json; charset=latin1',
      'application/octet-stream',
    ),
  }),
  fc.constant({}),
);

const specBody: fc.Arbitrary<Pick<Request, 'body' | 'contentType' | 'mutation'>> = fc.oneof(
  mutationOf(shop).chain((mutation) =>
    fc.constantFrom('json', 'yaml').map((format) => {
      const document = applyMutation(shop, mutation);
      return format === 'json'
        ? { body: JSON.stringify(document), contentType: 'application/json', mutation }
        : { body: yamlText(document), contentType: 'application/yaml', mutation };
    }),
  ),
  anyJson.map((value) => ({ body: JSON.stringify(value), contentType: 'application/json' })),
  rawBody,
);

const withQuery = (path: string) =>
  fc.option(queryString, { nil: undefined }).map((q) => (q ? `${path}?${q}` : path));

/** Every write route, with odd path parameters, bodies and query strings. */
const writeRequest: fc.Arbitrary<Request> = fc.oneof(
  fc
    .tuple(fc.oneof(fc.constant('shop'), segment), specBody)
    .map(([name, body]) => ({ method: 'PUT', path: `/v1/services/${name}`, ...body })),
  fc
    .tuple(segment, fc.constantFrom('deploy', 'stop'), actionBody([]))
    .map(([name, action, body]) => ({
      method: 'POST',
      path: `/v1/services/${name === 'shop' ? 'ghost' : name}/${action}`,
      ...body,
    })),
  fc
    .tuple(segment, actionBody(['as']))
    .map(([name, body]) => ({ method: 'POST', path: `/v1/services/${name}/copy`, ...body })),
  segment.map((name) => ({
    method: 'DELETE',
    path: `/v1/services/${name === 'shop' ? 'ghost' : name}`,
  })),
  fc
    .tuple(
      segment,
      fc.constantFrom('cordon', 'uncordon', 'drain', 'replace'),
      actionBody(['reason', 'deadlineMs', 'with']),
    )
    .chain(([id, action, body]) =>
      withQuery(`/v1/hosts/${id}/${action}`).map((path) => ({ method: 'POST', path, ...body })),
    ),
  segment.chain((id) => withQuery(`/v1/hosts/${id}`).map((path) => ({ method: 'DELETE', path }))),
  fc
    .tuple(segment, actionBody(['to', 'mode']))
    .map(([id, body]) => ({ method: 'POST', path: `/v1/instances/${id}/migrate`, ...body })),
  actionBody(['role', 'name', 'expiresIn', 'expiresAt']).map((body) => ({
    method: 'POST',
    path: '/v1/tokens',
    ...body,
  })),
  segment.map((id) => ({ method: 'DELETE', path: `/v1/tokens/${id}` })),
  fc
    .tuple(segment, actionBody([]))
    .map(([id, body]) => ({ method: 'POST', path: `/v1/recommendations/${id}/apply`, ...body })),
  specBody.map((body) => ({ method: 'POST', path: '/v1/placements/plan', ...body })),
);

/** Every list's query string, and every single-item read with an odd id. */
const readRequest: fc.Arbitrary<Request> = fc.oneof(
  fc
    .constantFrom(
      '/v1/services',
      '/v1/hosts',
      '/v1/instances',
      '/v1/migrations',
      '/v1/events',
      '/v1/usage',
      '/v1/costs',
      '/v1/forecasts',
      '/v1/recommendations',
      '/v1/tokens',
    )
    .chain((path) => queryString.map((q) => ({ method: 'GET', path: q ? `${path}?${q}` : path }))),
  fc
    .tuple(fc.constantFrom('services', 'hosts', 'instances', 'migrations', 'placements'), segment)
    .map(([kind, id]) => ({ method: 'GET', path: `/v1/${kind}/${id}` })),
);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked field by field
type Answer = { status: number; text: string; json: any };

async function send(fuzzPlane: FuzzPlane, request: Request): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${apiToken}` };
  if (request.contentType) headers['content-type'] = request.contentType;
  const response = await fetch(`${fuzzPlane.plane.gateway.url}${request.path}`, {
    method: request.method,
    headers,
    body: request.body,
  });
  // An accepted stream never ends: its status is the answer.
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    await response.body?.cancel();
    return { status: response.status, text: '', json: undefined };
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/**
 * Never a 5xx; a refusal in the error format, a validation refusal listing each field with its
 * reason; and nothing appended to the log by a refused request.
 */
async function check(fuzzPlane: FuzzPlane, request: Request, tally: Tally): Promise<void> {
  const before = await fuzzPlane.head();
  const answer = await send(fuzzPlane, request);
  const outcome = `${answer.status}${answer.json?.error ? ` ${answer.json.error.code}` : ''}`;
  tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
  const what = `${request.method} ${request.path} (${request.contentType ?? 'no body'}) ${String(request.body).slice(0, 200)} -> ${answer.status} ${answer.text.slice(0, 300)}`;
  if (answer.status >= 500) throw new Error(`server error: ${what}`);
  if (answer.status < 400) return;
  const error = answer.json?.error;
  if (
    !error ||
    typeof error.code !== 'string' ||
    typeof error.message !== 'string' ||
    error.message.length === 0 ||
    !Array.isArray(error.details)
  )
    throw new Error(`not the error format: ${what}`);
  if (error.code === 'validation_failed') {
    if (error.details.length === 0) throw new Error(`no field named: ${what}`);
    for (const detail of error.details)
      if (typeof detail?.path !== 'string' || typeof detail?.reason !== 'string')
        throw new Error(`a detail without path and reason: ${what}`);
    const paths = (error.details as Array<{ path: string }>).map((d) => d.path);
    // The shop spec under its own name: the only thing wrong is the mutation, and it is named.
    const ownName = request.path === '/v1/services/shop' || request.path === '/v1/placements/plan';
    if (request.mutation && ownName && !errorsNameMutation(paths, request.mutation, 'spec.'))
      throw new Error(
        `the mutated field is not named: ${JSON.stringify(request.mutation)} ${what}`,
      );
  }
  const after = await fuzzPlane.head();
  if (after !== before)
    throw new Error(`refused, yet the log moved ${before} -> ${after}: ${what}`);
}

/** How many answers of each status and code a run had: printed, to show how deep the cases went. */
type Tally = Map<string, number>;

function printTally(boundary: string, tally: Tally): void {
  const outcomes = [...tally.entries()].sort(([a], [b]) => a.localeCompare(b));
  process.stderr.write(
    `fuzz ${boundary} answers: ${outcomes.map(([o, n]) => `${o} x${n}`).join(', ')}\n`,
  );
}

describe('fuzz: REST bodies, path parameters and query strings', () => {
  let fuzzPlane: FuzzPlane;

  beforeAll(async () => {
    fuzzPlane = await startFuzzPlane('fuzz_rest');
  }, 180_000);

  afterAll(async () => {
    await fuzzPlane?.close();
  });

  it('answers every write route 2xx or 4xx in the error format naming the field, never appending on a refusal', async () => {
    const tally: Tally = new Map();
    await fuzz(
      'REST write routes',
      fc.asyncProperty(writeRequest, (request) => check(fuzzPlane, request, tally)),
      250,
    );
    printTally('REST write routes', tally);
  });

  it("answers every list's query string and every read with an odd id without a 5xx", async () => {
    const tally: Tally = new Map();
    await fuzz(
      'REST query strings and reads',
      fc.asyncProperty(readRequest, (request) => check(fuzzPlane, request, tally)),
      150,
    );
    printTally('REST query strings and reads', tally);
  });

  it('answers the hand-picked hard cases (NUL, lone surrogates, bad escapes, wrong types in every list) without a 5xx', async () => {
    const tally: Tally = new Map();
    const lists = ['services', 'hosts', 'instances', 'migrations', 'events', 'usage', 'costs'];
    const values = ['%00', 'a%00b', '%ED%A0%80', '%FF', '%zz', '-1', '1e400', 'x'.repeat(2000)];
    const keys = [
      'limit',
      'after',
      'service',
      'host',
      'app',
      'state',
      'actor',
      'from',
      'to',
      'type',
      'stream',
    ];
    const cases: Request[] = [];
    for (const list of [...lists, 'events/stream', 'forecasts', 'recommendations', 'tokens'])
      for (const key of keys)
        for (const value of values)
          cases.push({ method: 'GET', path: `/v1/${list}?${key}=${value}` });
    for (const body of [
      '{"role":"viewer","name":"a\\u0000"}',
      '{"role":"viewer","name":"\\ud800"}',
    ])
      cases.push({ method: 'POST', path: '/v1/tokens', body, contentType: 'application/json' });
    for (const body of ['{"reason":"\\u0000"}', '{"reason":"\\udc00"}', '{"as":"a\\u0000"}'])
      for (const path of [
        '/v1/hosts/h1/cordon',
        '/v1/services/ghost/copy',
        '/v1/instances/i-1/migrate',
      ])
        cases.push({ method: 'POST', path, body, contentType: 'application/json' });
    for (const request of cases) await check(fuzzPlane, request, tally);
    process.stderr.write(`fuzz REST hand-picked cases: ${cases.length} cases, seed -\n`);
    printTally('REST hand-picked cases', tally);
  });

  it('leaves the gateway and every service alive and answering', async () => {
    expect(await fuzzPlane.alive()).toEqual([
      'gateway',
      'inventory',
      'placement',
      'supervision',
      'migration',
      'statistics',
    ]);
    expect(fuzzPlane.logs.filter((line) => line.includes('ERROR'))).toEqual([]);
  });
});
