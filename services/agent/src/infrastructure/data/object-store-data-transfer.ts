import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageType, type JetStreamClient, type ObjectStore } from 'nats';
// The file, not the @federa/messaging index: the index also loads Nest (~20 MB the agent never uses).
import {
  dataPartName,
  MAX_DATA_PART_BYTES,
  natsDigest,
  parseStoredDataManifest,
  type StoredDataManifest as Manifest,
} from '../../../../../libs/messaging/src/jetstream/stored-data-manifest';
import {
  DataBucketMissing,
  ensureHostDataBucket,
  openHostDataBucket,
} from '../../../../../libs/messaging/src/jetstream/host-data-bucket';
import { AtomicJsonFile } from '../store/atomic-json-file';
import type { DataTransfer, StoredData } from './data-transfer';

/**
 * Part size: what one export holds in memory at most, and the unit of resumption; the largest a
 * manifest may name (the trusted copy refuses larger parts). @default 4 MiB
 */
const DEFAULT_PART_BYTES = MAX_DATA_PART_BYTES;

/**
 * Instance data in the JetStream object store of this host (bucket `Subjects.dataBucketOf(host)`,
 * created by inventory when the host registers, with the fixed configuration of
 * host-data-bucket.ts: the agent opens it and may not create it). A stream is cut into parts of
 * `partBytes`, each stored as an object (itself chunked by NATS and sha256-checked on read), then a
 * manifest under the key lists the parts with their sha256 (stored-data-manifest.ts): the
 * manifest's presence means the export is complete. Never more than one part is held in memory.
 * Data from another host arrives here copied by the trusted side (object-copy.ts).
 *
 * Resumable both ways: a repeated export skips parts already stored with the same digest; an
 * import downloads parts to a spool file in `spoolDir` and, when retried, continues after the
 * parts it already has.
 */
export class ObjectStoreDataTransfer implements DataTransfer {
  private store: Promise<ObjectStore> | undefined;

  constructor(
    private readonly js: JetStreamClient,
    private readonly bucket: string,
    private readonly spoolDir: string,
    private readonly partBytes = DEFAULT_PART_BYTES,
    /** Creates a missing bucket (the simulator, whose hosts inventory makes none for); agents may not. */
    private readonly createsBucket = false,
  ) {
    if (!Number.isSafeInteger(partBytes) || partBytes < 1 || partBytes > MAX_DATA_PART_BYTES)
      throw new Error(`partBytes must be from 1 to ${MAX_DATA_PART_BYTES}, not ${partBytes}`);
  }

  async upload(
    key: string,
    source: Readable,
    progress?: (bytes: number) => void,
  ): Promise<StoredData> {
    const os = await this.objectStore();
    const whole = createHash('sha256');
    const parts: Manifest['parts'] = [];
    let size = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (bytes: Buffer) => {
      const name = dataPartName(key, parts.length);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const existing = await os.info(name);
      if (
        !existing ||
        existing.deleted ||
        existing.size !== bytes.length ||
        existing.digest !== natsDigest(sha256)
      ) {
        await os.putBlob({ name }, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
      }
      parts.push({ name, size: bytes.length, sha256 });
      progress?.(size);
    };
    for await (const chunk of source) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      whole.update(buffer);
      size += buffer.length;
      pending.push(buffer);
      pendingBytes += buffer.length;
      while (pendingBytes >= this.partBytes) {
        const joined = Buffer.concat(pending, pendingBytes);
        await flush(joined.subarray(0, this.partBytes));
        const rest = joined.subarray(this.partBytes);
        pending = rest.length > 0 ? [Buffer.from(rest)] : [];
        pendingBytes = rest.length;
      }
    }
    if (pendingBytes > 0 || parts.length === 0) await flush(Buffer.concat(pending, pendingBytes));
    const manifest: Manifest = { version: 1, size, sha256: whole.digest('hex'), parts };
    await os.putBlob({ name: key }, new TextEncoder().encode(JSON.stringify(manifest)));
    return { key, size, sha256: manifest.sha256, parts: parts.length };
  }

  async download(
    key: string,
    progress?: (bytes: number) => void,
  ): Promise<{ stream: Readable; done: () => Promise<void> }> {
    const os = await this.objectStore();
    const blob = await os.getBlob(key);
    if (!blob) throw new Error(`no data stored under ${key}`);
    const manifest = parseStoredDataManifest(key, blob);
    await mkdir(this.spoolDir, { recursive: true });
    const spool = join(this.spoolDir, `${encodeURIComponent(key)}.spool`);
    const marker = new AtomicJsonFile<{ sha256: string; partsDone: number; bytes: number }>(
      `${spool}.progress`,
    );
    let done = await marker.read();
    if (!done || done.sha256 !== manifest.sha256)
      done = { sha256: manifest.sha256, partsDone: 0, bytes: 0 };
    // Whatever follows the last verified part is a torn write of the part that was interrupted.
    await truncate(spool, done.bytes).catch(async () => rm(spool, { force: true }));
    for (let index = done.partsDone; index < manifest.parts.length; index++) {
      const part = manifest.parts[index];
      const result = await os.get(part.name);
      if (!result) throw new Error(`data part ${part.name} is missing`);
      const hash = createHash('sha256');
      await pipeline(
        Readable.fromWeb(result.data as import('node:stream/web').ReadableStream<Uint8Array>),
        new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            hash.update(chunk);
            callback(null, chunk);
          },
        }),
        createWriteStream(spool, { flags: 'a' }),
      );
      const error = await result.error;
      if (error) throw error;
      if (hash.digest('hex') !== part.sha256)
        throw new Error(`data part ${part.name} does not match its sha256`);
      done = { sha256: manifest.sha256, partsDone: index + 1, bytes: done.bytes + part.size };
      await marker.write(done);
      progress?.(done.bytes);
    }
    const spooled = (await stat(spool).catch(() => undefined))?.size ?? 0;
    if (spooled !== manifest.size)
      throw new Error(`spooled data of ${key} has ${spooled} bytes, not ${manifest.size}`);
    const stream = manifest.size === 0 ? Readable.from([]) : createReadStream(spool);
    return {
      stream,
      done: async () => {
        await rm(spool, { force: true });
        await rm(`${spool}.progress`, { force: true });
      },
    };
  }

  async readDocument(key: string): Promise<unknown> {
    const os = await this.storeIfAny();
    const blob = os ? await os.getBlob(key) : null;
    return blob ? (JSON.parse(new TextDecoder().decode(blob)) as unknown) : undefined;
  }

  async writeDocument(key: string, document: unknown): Promise<void> {
    const os = await this.objectStore();
    await os.putBlob({ name: key }, new TextEncoder().encode(JSON.stringify(document)));
  }

  async remove(key: string): Promise<void> {
    const os = await this.storeIfAny();
    const blob = os ? await os.getBlob(key) : null;
    if (!os || !blob) return;
    const manifest = JSON.parse(new TextDecoder().decode(blob)) as Partial<Manifest>;
    // The manifest goes first: a removal cut short leaves parts no manifest names, never a
    // manifest naming missing parts.
    await os.delete(key);
    for (const part of manifest.parts ?? []) await os.delete(part.name).catch(() => undefined);
  }

  private objectStore(): Promise<ObjectStore> {
    this.store ??= (
      this.createsBucket ? this.createdObjectStore() : openHostDataBucket(this.js, this.bucket)
    ).catch((error: unknown) => {
      this.store = undefined;
      throw error;
    });
    return this.store;
  }

  /** The bucket, or undefined while none exists: nothing to read or remove there. */
  private async storeIfAny(): Promise<ObjectStore | undefined> {
    try {
      return await this.objectStore();
    } catch (error) {
      if (error instanceof DataBucketMissing) return undefined;
      throw error;
    }
  }

  private async createdObjectStore(): Promise<ObjectStore> {
    await ensureHostDataBucket(await this.js.jetstreamManager(), this.bucket);
    return this.js.views.os(this.bucket, { storage: StorageType.File });
  }
}
