/**
 * How stored instance data is laid out in a JetStream object store: the stream cut into parts,
 * each an object `<key>.part-NNNNNN`, then a manifest object under the key itself listing the parts
 * with their sha256. The manifest is written last: its presence means the data is complete. Agents
 * write and read it (their own bucket); the migration saga and supervision copy it between buckets.
 */
export interface StoredDataManifest {
  version: 1;
  size: number;
  /** sha256 of the whole stream, hex. */
  sha256: string;
  parts: Array<{ name: string; size: number; sha256: string }>;
}

/** The object name of part `index` of the data stored under `key`. */
export function dataPartName(key: string, index: number): string {
  return `${key}.part-${String(index).padStart(6, '0')}`;
}

/**
 * The largest part a manifest may name: the agent's part size (what one export holds in memory at
 * most). The trusted copy loads one part whole, so a manifest naming a larger one is refused.
 */
export const MAX_DATA_PART_BYTES = 4 * 1024 * 1024;

/** The largest manifest read (about 400,000 parts, well over a TiB of data at the part size). */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/**
 * The manifest read from its object's bytes; throws naming the key and the field when it is not
 * one. Its parts must be the key's own (`dataPartName(key, i)`, in order) and each at most
 * MAX_DATA_PART_BYTES: the manifest is written by an agent, and the trusted side copies what it
 * names into another host's bucket, so a manifest naming another object (another instance's data
 * or backup index) or an object of any size is refused.
 */
export function parseStoredDataManifest(key: string, bytes: Uint8Array): StoredDataManifest {
  const refuse = (why: string) => new Error(`the manifest of the data stored under ${key}: ${why}`);
  if (bytes.length > MAX_MANIFEST_BYTES)
    throw refuse(`${bytes.length} bytes, more than ${MAX_MANIFEST_BYTES}`);
  let read: unknown;
  try {
    read = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error(`the data stored under ${key} has no readable manifest`);
  }
  if (typeof read !== 'object' || read === null)
    throw new Error(`the data stored under ${key} has no readable manifest`);
  const manifest = read as Partial<Record<keyof StoredDataManifest, unknown>>;
  if (manifest.version !== 1) throw refuse(`version is ${String(manifest.version)}, not 1`);
  if (!isByteCount(manifest.size)) throw refuse('size is not a whole number of bytes');
  if (typeof manifest.sha256 !== 'string' || !isSha256(manifest.sha256))
    throw refuse('sha256 is not a hex sha256');
  if (!Array.isArray(manifest.parts)) throw refuse('parts is not a list');
  let total = 0;
  for (const [i, part] of (manifest.parts as unknown[]).entries()) {
    const p = (typeof part === 'object' && part !== null ? part : {}) as Record<string, unknown>;
    if (p.name !== dataPartName(key, i))
      throw refuse(`parts[${i}].name is ${JSON.stringify(p.name)}, not ${dataPartName(key, i)}`);
    if (!isByteCount(p.size)) throw refuse(`parts[${i}].size is not a whole number of bytes`);
    if (p.size > MAX_DATA_PART_BYTES)
      throw refuse(`parts[${i}].size is ${p.size}, more than ${MAX_DATA_PART_BYTES}`);
    if (typeof p.sha256 !== 'string' || !isSha256(p.sha256))
      throw refuse(`parts[${i}].sha256 is not a hex sha256`);
    total += p.size;
  }
  if (total !== manifest.size)
    throw refuse(`size is ${manifest.size}, but its parts hold ${total} bytes`);
  return manifest as StoredDataManifest;
}

function isByteCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isSha256(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}

/** How NATS writes a sha256 in object info: `SHA-256=` and base64url with padding. */
export function natsDigest(hexSha256: string): string {
  const base64 = Buffer.from(hexSha256, 'hex')
    .toString('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
  return `SHA-256=${base64}`;
}
