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
});
