import { createHash } from 'node:crypto';
import { Subjects } from '@federa/contracts';
import {
  copyStoredData,
  dataPartName,
  existingObjectStore,
  MAX_DATA_PART_BYTES,
  StoredDataMissing,
  StoredDataRefused,
  type StoredDataManifest,
} from '@federa/messaging';
import { uniquePrefix } from '@federa/testing';
import { connect, StorageType, type NatsConnection, type ObjectStore } from 'nats';

const NATS_URL = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The manifest an agent's export writes for `parts` stored under `key`. */
function manifestOf(key: string, parts: Uint8Array[]): StoredDataManifest {
  return {
    version: 1,
    size: parts.reduce((n, p) => n + p.length, 0),
    sha256: sha256(Buffer.concat(parts)),
    parts: parts.map((bytes, i) => ({
      name: dataPartName(key, i),
      size: bytes.length,
      sha256: sha256(bytes),
    })),
  };
}

/** Stores `parts` under `key` as an agent's export does: the parts, then the manifest. */
async function store(os: ObjectStore, key: string, parts: Uint8Array[]): Promise<Uint8Array> {
  for (const [i, bytes] of parts.entries()) await os.putBlob({ name: dataPartName(key, i) }, bytes);
  return putManifest(os, key, manifestOf(key, parts));
}

async function putManifest(os: ObjectStore, key: string, manifest: unknown): Promise<Uint8Array> {
  const encoded = new TextEncoder().encode(JSON.stringify(manifest));
  await os.putBlob({ name: key }, encoded);
  return encoded;
}

const part = (fill: number) => new Uint8Array(64 * 1024).fill(fill);

describe("copying stored data between hosts' data buckets", () => {
  const subjects = new Subjects(uniquePrefix('objcopy'));
  const from = subjects.dataBucketOf('src');
  const to = subjects.dataBucketOf('dst');
  let nc: NatsConnection;
  let source: ObjectStore;

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
    source = await nc.jetstream().views.os(from, { storage: StorageType.File });
  });

  afterAll(async () => {
    const jsm = await nc.jetstream().jetstreamManager();
    for (const bucket of [from, to]) await jsm.streams.delete(`OBJ_${bucket}`).catch(() => false);
    await nc.close();
  });

  it('copies the parts, then the manifest, and copies nothing again when repeated', async () => {
    const manifest = await store(source, 'i-1/m-1', [part(1), part(2), part(3)]);
    const first = await copyStoredData(nc.jetstream(), from, to, 'i-1/m-1');
    expect(first).toMatchObject({ copiedParts: 3, keptParts: 0, size: 3 * 64 * 1024 });
    const target = (await existingObjectStore(nc.jetstream(), to))!;
    expect(await target.getBlob('i-1/m-1')).toEqual(manifest);
    expect(await target.getBlob(dataPartName('i-1/m-1', 2))).toEqual(part(3));
    const again = await copyStoredData(nc.jetstream(), from, to, 'i-1/m-1');
    expect(again).toMatchObject({ copiedParts: 0, keptParts: 3 });
  });

  it('resumes a copy cut short: only the parts the target lacks or holds otherwise are copied, and the manifest comes last', async () => {
    await store(source, 'i-2/m-1', [part(4), part(5), part(6)]);
    const target = await nc.jetstream().views.os(to, { storage: StorageType.File });
    // Cut short after the first part, and a stale second part from an older export under that name.
    await target.putBlob({ name: dataPartName('i-2/m-1', 0) }, part(4));
    await target.putBlob({ name: dataPartName('i-2/m-1', 1) }, part(9));
    expect(await target.getBlob('i-2/m-1')).toBeNull();
    const resumed = await copyStoredData(nc.jetstream(), from, to, 'i-2/m-1');
    expect(resumed).toMatchObject({ copiedParts: 2, keptParts: 1 });
    expect(await target.getBlob(dataPartName('i-2/m-1', 1))).toEqual(part(5));
    expect(await target.getBlob('i-2/m-1')).not.toBeNull();
  });

  it('refuses, naming the key, when the source holds no such data, and creates no bucket for a host that has none', async () => {
    await expect(copyStoredData(nc.jetstream(), from, to, 'i-3/none')).rejects.toThrow(
      new StoredDataMissing(`no data stored under i-3/none in ${from}`),
    );
    const never = subjects.dataBucketOf('never');
    await expect(copyStoredData(nc.jetstream(), never, to, 'i-1/m-1')).rejects.toBeInstanceOf(
      StoredDataMissing,
    );
    expect(await existingObjectStore(nc.jetstream(), never)).toBeUndefined();
  });

  describe('from a source agent that lies in its bucket', () => {
    it("refuses a manifest naming another object as a part, and leaves the target's object of that name as it was", async () => {
      const target = await nc.jetstream().views.os(to, { storage: StorageType.File });
      const index = new TextEncoder().encode('{"version":1,"instance":"other-1","copies":[]}');
      await target.putBlob({ name: 'backups/other-1/index' }, index);
      const forged = new TextEncoder().encode('{"version":1,"instance":"other-1","copies":[{}]}');
      await source.putBlob({ name: 'backups/other-1/index' }, forged);
      const manifest = manifestOf('i-4/m-1', [forged]);
      manifest.parts[0].name = 'backups/other-1/index';
      await putManifest(source, 'i-4/m-1', manifest);

      await expect(copyStoredData(nc.jetstream(), from, to, 'i-4/m-1')).rejects.toThrow(
        `parts[0].name is "backups/other-1/index", not ${dataPartName('i-4/m-1', 0)}`,
      );
      expect(await target.getBlob('backups/other-1/index')).toEqual(index);
      expect(await target.info('i-4/m-1')).toBeNull();
    });

    it('refuses a manifest naming a part larger than the part size', async () => {
      const manifest = manifestOf('i-5/m-1', [part(1)]);
      manifest.parts[0].size = MAX_DATA_PART_BYTES + 1;
      manifest.size = MAX_DATA_PART_BYTES + 1;
      await putManifest(source, 'i-5/m-1', manifest);
      await expect(copyStoredData(nc.jetstream(), from, to, 'i-5/m-1')).rejects.toThrow(
        `parts[0].size is ${MAX_DATA_PART_BYTES + 1}, more than ${MAX_DATA_PART_BYTES}`,
      );
    });

    it('refuses a part bigger than its manifest says before loading it, and copies nothing of it', async () => {
      await store(source, 'i-6/m-1', [part(7)]);
      const target = (await existingObjectStore(nc.jetstream(), to))!;
      // The part replaced after the manifest was written: a byte more, then 5 MiB (over the part size).
      for (const [size, refusal] of [
        [64 * 1024 + 1, /: 65537 bytes with digest .*, not what its manifest says$/],
        [5 * 1024 * 1024, /: 5242880 bytes, more than 4194304$/],
      ] as const) {
        await source.putBlob({ name: dataPartName('i-6/m-1', 0) }, new Uint8Array(size).fill(8));
        const copy = copyStoredData(nc.jetstream(), from, to, 'i-6/m-1');
        await expect(copy).rejects.toBeInstanceOf(StoredDataRefused);
        await expect(copy).rejects.toThrow(refusal);
        expect(await target.info(dataPartName('i-6/m-1', 0))).toBeNull();
        expect(await target.info('i-6/m-1')).toBeNull();
      }
    });

    it('refuses a part of the right size whose digest is not the one its manifest names', async () => {
      await store(source, 'i-7/m-1', [part(1), part(2)]);
      await source.putBlob({ name: dataPartName('i-7/m-1', 1) }, part(3));
      await expect(copyStoredData(nc.jetstream(), from, to, 'i-7/m-1')).rejects.toThrow(
        new RegExp(`${dataPartName('i-7/m-1', 1)} in ${from}: 65536 bytes with digest`),
      );
    });

    it("refuses a part that is a link to another bucket's object (the trusted side may read every bucket)", async () => {
      const other = subjects.dataBucketOf('other');
      const secret = await nc.jetstream().views.os(other, { storage: StorageType.File });
      const bytes = part(5);
      await secret.putBlob({ name: 'backups/theirs-1/000001767225650000.part-000000' }, bytes);
      const info = (await secret.info('backups/theirs-1/000001767225650000.part-000000'))!;
      await source.link(dataPartName('i-8/m-1', 0), info);
      await putManifest(source, 'i-8/m-1', manifestOf('i-8/m-1', [bytes]));
      try {
        await expect(copyStoredData(nc.jetstream(), from, to, 'i-8/m-1')).rejects.toThrow(
          `${dataPartName('i-8/m-1', 0)} in ${from}: a link to another object, not data`,
        );
      } finally {
        const jsm = await nc.jetstream().jetstreamManager();
        await jsm.streams.delete(`OBJ_${other}`).catch(() => false);
      }
    });
  });
});
