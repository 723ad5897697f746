import {
  dataPartName,
  MAX_DATA_PART_BYTES,
  parseStoredDataManifest,
  type StoredDataManifest,
} from './stored-data-manifest';

const hex = (fill: string) => fill.repeat(64);
const key = 'backups/shop-db-1/000001767225650000';

function manifestOf(parts: StoredDataManifest['parts']): StoredDataManifest {
  return { version: 1, size: parts.reduce((n, p) => n + p.size, 0), sha256: hex('a'), parts };
}

const encode = (document: unknown) => new TextEncoder().encode(JSON.stringify(document));

describe('reading a stored data manifest', () => {
  it("reads a manifest whose parts are the key's own, in order", () => {
    const manifest = manifestOf([
      { name: dataPartName(key, 0), size: MAX_DATA_PART_BYTES, sha256: hex('b') },
      { name: dataPartName(key, 1), size: 10, sha256: hex('c') },
    ]);
    expect(parseStoredDataManifest(key, encode(manifest))).toEqual(manifest);
  });

  it("refuses a manifest naming another object as a part (another instance's backup index), naming the part", () => {
    const manifest = manifestOf([
      { name: dataPartName(key, 0), size: 10, sha256: hex('b') },
      { name: 'backups/shop-db-9/index', size: 10, sha256: hex('c') },
    ]);
    expect(() => parseStoredDataManifest(key, encode(manifest))).toThrow(
      `the manifest of the data stored under ${key}: parts[1].name is "backups/shop-db-9/index", not ${dataPartName(key, 1)}`,
    );
  });

  it("refuses parts listed out of order, or another key's parts", () => {
    const swapped = manifestOf([
      { name: dataPartName(key, 1), size: 10, sha256: hex('b') },
      { name: dataPartName(key, 0), size: 10, sha256: hex('c') },
    ]);
    expect(() => parseStoredDataManifest(key, encode(swapped))).toThrow(/parts\[0\]\.name/);
    const foreign = manifestOf([
      { name: dataPartName('backups/other-1/000001767225650000', 0), size: 1, sha256: hex('b') },
    ]);
    expect(() => parseStoredDataManifest(key, encode(foreign))).toThrow(/parts\[0\]\.name/);
  });

  it('refuses a part larger than the part size, naming it', () => {
    const manifest = manifestOf([
      { name: dataPartName(key, 0), size: MAX_DATA_PART_BYTES + 1, sha256: hex('b') },
    ]);
    expect(() => parseStoredDataManifest(key, encode(manifest))).toThrow(
      `parts[0].size is ${MAX_DATA_PART_BYTES + 1}, more than ${MAX_DATA_PART_BYTES}`,
    );
  });

  it('refuses a total size its parts do not add up to, and sizes that are no byte counts', () => {
    const manifest = manifestOf([{ name: dataPartName(key, 0), size: 10, sha256: hex('b') }]);
    expect(() => parseStoredDataManifest(key, encode({ ...manifest, size: 11 }))).toThrow(
      'size is 11, but its parts hold 10 bytes',
    );
    for (const size of [-1, 1.5, '10', null]) {
      const bad = { ...manifest, parts: [{ ...manifest.parts[0], size }] };
      expect(() => parseStoredDataManifest(key, encode(bad))).toThrow(/parts\[0\]\.size/);
    }
  });

  it('refuses what is no manifest at all, naming the key', () => {
    for (const bytes of [
      new TextEncoder().encode('not json'),
      encode(null),
      encode({ version: 2, size: 0, sha256: hex('a'), parts: [] }),
      encode({ version: 1, size: 0, sha256: 'nope', parts: [] }),
      encode({ version: 1, size: 0, sha256: hex('a'), parts: {} }),
      encode({ version: 1, size: 0, sha256: hex('a'), parts: [null] }),
    ])
      expect(() => parseStoredDataManifest(key, bytes)).toThrow(key);
  });
});
