import { createHash } from 'node:crypto';
import type { ObjectStore } from 'nats';
import { natsDigest } from './stored-data-manifest';

/** An object in a data bucket is not what its manifest (or the copy's limits) say: nothing is copied. */
export class StoredDataRefused extends Error {
  override name = 'StoredDataRefused';
}

/**
 * Reads one object of a host's data bucket whole, for the trusted copy, which reads buckets agents
 * write. Refused before it is loaded: a link (nats.js would follow it into another bucket), an
 * object larger than `maxBytes`, or, with `expected`, one whose size or digest is not the
 * manifest's. Refused while it is read: more bytes than announced (the object replaced meanwhile),
 * or bytes whose sha256 is not the expected one. Null when there is no such object.
 */
export async function readStoredObject(
  store: ObjectStore,
  bucket: string,
  name: string,
  maxBytes: number,
  expected?: { size: number; sha256: string },
): Promise<Uint8Array | null> {
  const info = await store.info(name);
  if (!info || info.deleted) return null;
  const refuse = (why: string) => new StoredDataRefused(`${name} in ${bucket}: ${why}`);
  if (info.options?.link) throw refuse('a link to another object, not data');
  if (info.size > maxBytes) throw refuse(`${info.size} bytes, more than ${maxBytes}`);
  if (expected && (info.size !== expected.size || info.digest !== natsDigest(expected.sha256)))
    throw refuse(`${info.size} bytes with digest ${info.digest}, not what its manifest says`);
  const read = await store.get(name);
  if (!read) return null;
  const limit = expected?.size ?? maxBytes;
  const reader = read.data.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    if (read.info.bucket !== bucket || read.info.name !== name || read.info.options?.link)
      throw refuse('became a link to another object while it was read');
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) throw refuse(`more than the ${limit} bytes announced`);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    read.error.catch(() => undefined);
    throw error;
  }
  const failed = await read.error;
  if (failed) throw failed;
  const bytes = Buffer.concat(chunks, size);
  if (expected) {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (size !== expected.size || sha256 !== expected.sha256)
      throw refuse(`${size} bytes with sha256 ${sha256}, not what its manifest says`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}
