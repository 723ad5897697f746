import { StorageType, type JetStreamClient, type ObjectStore } from 'nats';
import { ensureHostDataBucket, type EnsureHostDataBucketOptions } from './host-data-bucket';
import {
  MAX_DATA_PART_BYTES,
  MAX_MANIFEST_BYTES,
  natsDigest,
  parseStoredDataManifest,
  type StoredDataManifest,
} from './stored-data-manifest';
import { readStoredObject } from './stored-object-read';

/** What a copy did: the parts it wrote and those the target already held with the same digest. */
export interface ObjectCopyOutcome {
  key: string;
  size: number;
  copiedParts: number;
  keptParts: number;
}

/** The source holds no data under the key (or no bucket at all): nothing can be copied. */
export class StoredDataMissing extends Error {
  override name = 'StoredDataMissing';
}

/**
 * Copies the data stored under `key` (a manifest and its parts, see stored-data-manifest.ts) from
 * one object store bucket into another: the trusted side's step when data moves between hosts, each
 * agent reading and writing its own bucket only. Resumable and idempotent: a part the target
 * already holds with the same size and digest is not copied again, and the manifest is written
 * last, so that the target never names parts it lacks. The source bucket is never created (a dead
 * host's bucket is read, not made); the target is created when missing, with the fixed
 * configuration of host-data-bucket.ts and `targetBucket.replicas` copies (an existing target keeps its
 * own). One part in memory at most.
 */
export async function copyStoredData(
  js: JetStreamClient,
  from: string,
  to: string,
  key: string,
  targetBucket: EnsureHostDataBucketOptions = {},
): Promise<ObjectCopyOutcome> {
  const source = await existingObjectStore(js, from);
  // The source agent wrote the manifest and the parts: the manifest must name the key's own parts,
  // each at most MAX_DATA_PART_BYTES (parseStoredDataManifest), and each part must be the size and
  // sha256 it names, refused before it is loaded when its info says otherwise (StoredDataRefused).
  const manifestBytes = source
    ? await readStoredObject(source, from, key, MAX_MANIFEST_BYTES)
    : null;
  if (!source || !manifestBytes)
    throw new StoredDataMissing(`no data stored under ${key} in ${from}`);
  const manifest: StoredDataManifest = parseStoredDataManifest(key, manifestBytes);
  // The target is made here with the one fixed configuration when missing (agents cannot create it).
  await ensureHostDataBucket(await js.jetstreamManager(), to, targetBucket);
  const target = await js.views.os(to, { storage: StorageType.File });
  let copiedParts = 0;
  let keptParts = 0;
  for (const part of manifest.parts) {
    const held = await target.info(part.name);
    if (
      held &&
      !held.deleted &&
      held.size === part.size &&
      held.digest === natsDigest(part.sha256)
    ) {
      keptParts++;
      continue;
    }
    const bytes = await readStoredObject(source, from, part.name, MAX_DATA_PART_BYTES, part);
    if (!bytes) throw new StoredDataMissing(`data part ${part.name} is missing in ${from}`);
    await target.putBlob({ name: part.name }, bytes);
    copiedParts++;
  }
  const heldManifest = await target.getBlob(key);
  if (!heldManifest || !sameBytes(heldManifest, manifestBytes))
    await target.putBlob({ name: key }, manifestBytes);
  return { key, size: manifest.size, copiedParts, keptParts };
}

/**
 * The bucket when it exists, else undefined, without creating it (opening an object store creates
 * a missing one).
 */
export async function existingObjectStore(
  js: JetStreamClient,
  bucket: string,
): Promise<ObjectStore | undefined> {
  const jsm = await js.jetstreamManager();
  try {
    await jsm.streams.info(`OBJ_${bucket}`);
  } catch (error) {
    if (/stream not found/i.test(String(error))) return undefined;
    throw error;
  }
  return js.views.os(bucket, { storage: StorageType.File });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
