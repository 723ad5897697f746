import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageType, type JetStreamClient, type ObjectStore } from 'nats';
import { AtomicJsonFile } from '../store/atomic-json-file';
import type { DataTransfer, StoredData } from './data-transfer';

interface Manifest {
  version: 1;
  size: number;
  sha256: string;
  parts: Array<{ name: string; size: number; sha256: string }>;
}

/** Part size: what one export holds in memory at most, and the unit of resumption. @default 4 MiB */
const DEFAULT_PART_BYTES = 4 * 1024 * 1024;

/**
 * Instance data in the JetStream object store (bucket `Subjects.dataBucket`). A stream is cut into
 * parts of `partBytes`, each stored as an object (itself chunked by NATS and sha256-checked on
 * read), then a manifest under the key lists the parts with their sha256: the manifest's presence
 * means the export is complete. Never more than one part is held in memory.
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
  ) {}

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
      const name = `${key}.part-${String(parts.length).padStart(6, '0')}`;
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
    const manifest = JSON.parse(new TextDecoder().decode(blob)) as Manifest;
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
    const blob = await (await this.objectStore()).getBlob(key);
    return blob ? (JSON.parse(new TextDecoder().decode(blob)) as unknown) : undefined;
  }

  async writeDocument(key: string, document: unknown): Promise<void> {
    const os = await this.objectStore();
    await os.putBlob({ name: key }, new TextEncoder().encode(JSON.stringify(document)));
  }

  async remove(key: string): Promise<void> {
    const os = await this.objectStore();
    const blob = await os.getBlob(key);
    if (!blob) return;
    const manifest = JSON.parse(new TextDecoder().decode(blob)) as Partial<Manifest>;
    // The manifest goes first: a removal cut short leaves parts no manifest names, never a
    // manifest naming missing parts.
    await os.delete(key);
    for (const part of manifest.parts ?? []) await os.delete(part.name).catch(() => undefined);
  }

  private objectStore(): Promise<ObjectStore> {
    this.store ??= this.js.views
      .os(this.bucket, { storage: StorageType.File })
      .catch((error: unknown) => {
        this.store = undefined;
        throw error;
      });
    return this.store;
  }
}

/** How NATS writes a sha256 in object info: `SHA-256=` and base64url with padding. */
function natsDigest(hexSha256: string): string {
  const base64 = Buffer.from(hexSha256, 'hex')
    .toString('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
  return `SHA-256=${base64}`;
}
