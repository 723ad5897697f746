import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { DataTransfer, StoredData } from '../infrastructure/data/data-transfer';

/** A data bucket in memory: whole streams kept under their keys. */
export class FakeDataTransfer implements DataTransfer {
  readonly objects = new Map<string, Buffer>();

  async upload(
    key: string,
    source: Readable,
    progress?: (bytes: number) => void,
  ): Promise<StoredData> {
    const chunks: Buffer[] = [];
    for await (const chunk of source) chunks.push(Buffer.from(chunk as Buffer));
    const data = Buffer.concat(chunks);
    this.objects.set(key, data);
    progress?.(data.length);
    const sha256 = createHash('sha256').update(data).digest('hex');
    return { key, size: data.length, sha256, parts: 1 };
  }

  async readDocument(key: string): Promise<unknown> {
    const data = this.objects.get(key);
    return data ? (JSON.parse(data.toString()) as unknown) : undefined;
  }

  async writeDocument(key: string, document: unknown): Promise<void> {
    this.objects.set(key, Buffer.from(JSON.stringify(document)));
  }

  async remove(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async download(
    key: string,
    progress?: (bytes: number) => void,
  ): Promise<{ stream: Readable; done: () => Promise<void> }> {
    const data = this.objects.get(key);
    if (!data) throw new Error(`nothing stored under ${key}`);
    progress?.(data.length);
    return { stream: Readable.from([data]), done: async () => undefined };
  }
}
