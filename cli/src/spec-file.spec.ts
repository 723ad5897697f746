import { FederaError } from '@federa/contracts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSpecFile } from './spec-file';

describe('readSpecFile', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'federa-spec-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  function refusal(path: string): FederaError {
    try {
      readSpecFile(path);
    } catch (error) {
      if (error instanceof FederaError) return error;
      throw error;
    }
    throw new Error(`${path} was accepted`);
  }

  it('answers the spec of examples/shop.yaml as written', () => {
    const spec = readSpecFile(join(__dirname, '../../examples/shop.yaml'));
    expect(spec.metadata.name).toBe('shop');
    expect(spec.spec.applications.map((a) => a.name)).toEqual(['catalog-db', 'payment', 'web']);
  });

  it('says a file is not valid YAML or JSON, with the line and column of each error', () => {
    const path = file('broken.yaml', 'apiVersion: [unclosed\n');
    const error = refusal(path);
    expect(error.message).toBe(`${path} is not valid YAML or JSON`);
    expect(error.details).toEqual([
      { path: '', reason: expect.stringMatching(/^YAML syntax error at line \d+, column \d+: /) },
    ]);
  });

  it('lists every error of an invalid spec with its path in the file', () => {
    const path = file(
      'bad.json',
      JSON.stringify({
        apiVersion: 'federa/v1',
        kind: 'Service',
        metadata: { name: 'Bad Name' },
        spec: { applications: [{ name: 'a', layer: 'sim', resources: { cpu: 'lots' } }] },
      }),
    );
    const error = refusal(path);
    expect(error.message).toBe(`invalid spec in ${path}`);
    expect((error.details as { path: string }[]).map((d) => d.path)).toEqual(
      expect.arrayContaining([
        'metadata.name',
        'spec.applications[0].resources.cpu',
        'spec.applications[0].resources.memory',
      ]),
    );
  });

  it('says why a file cannot be read', () => {
    const path = join(dir, 'missing.yaml');
    expect(refusal(path).message).toMatch(new RegExp(`^cannot read ${path}: ENOENT`));
  });
  it('refuses a file larger than a spec may be before reading it, naming the limit', () => {
    const path = file('huge.yaml', `# ${'x'.repeat(300 * 1024)}\n`);
    const error = refusal(path);
    expect(error.message).toBe(`${path} is too large for a spec`);
    expect(error.details).toEqual([
      { path: '', reason: expect.stringContaining('over the limit of 262144 bytes (256 KiB)') },
    ]);
  });

  it('refuses a YAML alias bomb and a file nested too deeply, naming each limit', () => {
    let bomb = 'x0: &x0 [a, a, a, a, a, a, a, a, a, a]\n';
    for (let i = 1; i < 12; i++)
      bomb += `x${i}: &x${i} [${Array(10)
        .fill(`*x${i - 1}`)
        .join(', ')}]\n`;
    expect(refusal(file('bomb.yaml', bomb)).details).toEqual([
      { path: '', reason: expect.stringContaining('limit of 100 alias resolutions') },
    ]);
    const deep = file('deep.json', `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(refusal(deep).details).toEqual([
      { path: '', reason: 'nests objects and arrays deeper than the limit of 64 levels' },
    ]);
  });
});
