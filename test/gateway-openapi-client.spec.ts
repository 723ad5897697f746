import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EventPage, ServicePage, ServiceSummary, validatePayload } from '@federa/contracts';
import createClient from 'openapi-fetch';
import ts from 'typescript';
import { apiToken, startControlPlane, type ControlPlane } from './supervision-harness';

jest.setTimeout(60_000);

/**
 * A TypeScript client generated from the running gateway's OpenAPI document compiles, refuses calls
 * the document does not allow, and performs real calls: the document describes the API as served.
 */

/** What the usage file does with the generated types: apply, deploy, list, read the log. */
const usage = `
import type createClient from 'openapi-fetch';
import type { components, paths } from './api';

type Spec = components['schemas']['ServiceSpec'];

export async function exercise(create: typeof createClient, baseUrl: string, token: string) {
  const client = create<paths>({ baseUrl, headers: { authorization: \`Bearer \${token}\` } });
  const spec: Spec = {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name: 'typed' },
    spec: {
      applications: [
        {
          name: 'app',
          layer: 'sim',
          resources: { cpu: '100m', memory: '64Mi' },
          replicas: { min: 1, max: 1 },
        },
      ],
    },
  } as Spec;
  const applied = await client.PUT('/v1/services/{name}', {
    params: { path: { name: 'typed' } },
    body: spec,
  });
  const name: string | undefined = applied.data?.name;
  const deployed = await client.POST('/v1/services/{name}/deploy', {
    params: { path: { name: name ?? 'typed' } },
  });
  const listed = await client.GET('/v1/services', { params: { query: { limit: 10 } } });
  const names: string[] = (listed.data?.items ?? []).map((service) => service.name);
  const events = await client.GET('/v1/events', { params: { query: { after: '0', limit: 50 } } });
  const types: string[] = (events.data?.items ?? []).map((event) => event.type);
  const missing = await client.GET('/v1/services/{name}', { params: { path: { name: 'nope' } } });
  return {
    applied: { status: applied.response.status, data: applied.data },
    deployed: { status: deployed.response.status, state: deployed.data?.state },
    listed: listed.data,
    names,
    events: events.data,
    types,
    missing: { status: missing.response.status, code: missing.error?.error.code },
  };
}
`;

/** Calls the document does not allow: each must fail to compile. */
const misuse = `
import type createClient from 'openapi-fetch';
import type { paths } from './api';

export async function misuse(create: typeof createClient) {
  const client = create<paths>({ baseUrl: 'http://127.0.0.1:1' });
  await client.GET('/v1/no-such-route');
  await client.POST('/v1/services/{name}/copy', { params: { path: { name: 'a' } }, body: { as: 42 } });
  const listed = await client.GET('/v1/services');
  const count: number = listed.data?.items[0]?.state ?? 0;
  return count;
}
`;

/**
 * Generates the types of the document in `file` into `out` with openapi-typescript, as a project's
 * build step would: in a Node process of its own, where its ES modules load as they are.
 */
async function generateTypes(file: string, out: string): Promise<void> {
  const script = `
    import { readFileSync, writeFileSync } from 'node:fs';
    import openapiTS, { astToString } from 'openapi-typescript';
    const [file, out] = process.argv.slice(1);
    writeFileSync(out, astToString(await openapiTS(JSON.parse(readFileSync(file, 'utf8')))));
  `;
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, file, out], {
    cwd: join(__dirname, '..'),
  });
}

/**
 * Compiles the files with the generated types in one program, emitting `emit` alone; answers each
 * file's diagnostics as `line: message`.
 */
function compile(dir: string, files: string[], emit: string): Record<string, string[]> {
  const options: ts.CompilerOptions = {
    strict: true,
    outDir: dir,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    // The usage file lives outside the repository: openapi-fetch is found where it is installed.
    paths: {
      'openapi-fetch': [require.resolve('openapi-fetch').replace(/index\.c?js$/, 'index.d.ts')],
    },
  };
  const program = ts.createProgram(
    files.map((f) => join(dir, f)),
    options,
  );
  const byFile: Record<string, string[]> = {};
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file ? d.file.fileName.slice(dir.length + 1) : '(options)';
    const line = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : 0;
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0];
    (byFile[file] ??= []).push(`${line}: ${message}`);
  }
  program.emit(program.getSourceFile(join(dir, emit)));
  return byFile;
}

describe('a TypeScript client generated from the OpenAPI document', () => {
  let plane: ControlPlane;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'federa-openapi-client-'));
    plane = await startControlPlane('openapi_client');
    writeFileSync(
      join(dir, 'openapi.json'),
      await (await fetch(`${plane.gateway.url}/docs-json`)).text(),
    );
    await generateTypes(join(dir, 'openapi.json'), join(dir, 'api.ts'));
    writeFileSync(join(dir, 'usage.ts'), usage);
    writeFileSync(join(dir, 'misuse.ts'), misuse);
  });

  afterAll(async () => {
    await plane?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('compiles with strict types, and refuses a route, a body and an answer the document does not have', () => {
    const diagnostics = compile(dir, ['usage.ts', 'misuse.ts'], 'usage.ts');
    expect(diagnostics['usage.ts']).toBeUndefined();
    // Lines 7, 8 and 10 of misuse.ts: the unknown route, `as` as a number, a state as a number.
    expect(diagnostics['misuse.ts']).toEqual([
      expect.stringMatching(/^7: /),
      expect.stringMatching(/^8: Type 'number' is not assignable to type 'string'/),
      expect.stringMatching(/^10: .* is not assignable to type 'number'/),
    ]);
  });

  it('applies, deploys and lists a service and reads the event log against a running gateway', async () => {
    // Compiled by the test above, into the same directory.
    const { exercise } = require(join(dir, 'usage.js')) as {
      exercise: (
        create: typeof createClient,
        baseUrl: string,
        token: string,
      ) => Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const result = await exercise(createClient, plane.gateway.url, apiToken);
    expect(result.applied.status).toBe(200);
    expect(validatePayload(ServiceSummary, result.applied.data).ok).toBe(true);
    expect(result.deployed).toEqual({ status: 202, state: 'deploying' });
    expect(validatePayload(ServicePage, result.listed).ok).toBe(true);
    expect(result.names).toContain('typed');
    expect(validatePayload(EventPage, result.events).ok).toBe(true);
    expect(result.types).toEqual(
      expect.arrayContaining(['ServiceDefined', 'ServiceDeployStarted']),
    );
    expect(result.missing).toEqual({ status: 404, code: 'not_found' });
  });
});
