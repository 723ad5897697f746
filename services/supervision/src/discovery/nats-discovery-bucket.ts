import type { ServiceEndpoints } from '@federa/contracts';
import { Events, JSONCodec, type KV, type NatsConnection } from 'nats';
import type { BucketEntry, DiscoveryBucket } from './endpoints-publisher';

const json = JSONCodec();

/**
 * The discovery bucket on JetStream (Subjects.discoveryBucket): created on first use when no agent
 * has yet, one value kept per key. After any failure the bucket is opened again on the next use: a
 * NATS server that came back without its store has lost the bucket, and opening creates it anew.
 */
export class NatsDiscoveryBucket implements DiscoveryBucket {
  private kv: Promise<KV> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly name: string,
  ) {}

  entries(): Promise<Map<string, BucketEntry>> {
    return this.using(async (kv) => {
      const keys: string[] = [];
      for await (const key of await kv.keys()) keys.push(key);
      const entries = new Map<string, BucketEntry>();
      for (const key of keys) {
        const entry = await kv.get(key);
        if (!entry || entry.operation !== 'PUT') continue;
        entries.set(key, { value: decode(entry.value), revision: entry.revision });
      }
      return entries;
    });
  }

  put(service: string, value: ServiceEndpoints, revision: number): Promise<number | undefined> {
    return this.using(async (kv) => {
      try {
        // create: absent, or deleted since (it takes the delete marker's place).
        return revision === 0
          ? await kv.create(service, json.encode(value))
          : await kv.update(service, json.encode(value), revision);
      } catch (error) {
        if (wrongRevision(error)) return undefined;
        throw error;
      }
    });
  }

  delete(service: string, revision: number): Promise<boolean> {
    return this.using(async (kv) => {
      try {
        await kv.delete(service, { previousSeq: revision });
        return true;
      } catch (error) {
        if (wrongRevision(error)) return false;
        throw error;
      }
    });
  }

  /** Calls `onReconnect` each time the connection comes back after a loss, until it closes. */
  watchReconnects(onReconnect: () => void): void {
    void (async () => {
      for await (const status of this.nc.status()) {
        if (status.type === Events.Reconnect) {
          this.kv = undefined;
          onReconnect();
        }
      }
    })().catch(() => undefined);
  }

  private async using<T>(use: (kv: KV) => Promise<T>): Promise<T> {
    this.kv ??= this.nc.jetstream().views.kv(this.name, { history: 1 });
    try {
      return await use(await this.kv);
    } catch (error) {
      this.kv = undefined;
      throw error;
    }
  }
}

/** JetStream's "wrong last sequence" (10071): the key was written since the revision given. */
function wrongRevision(error: unknown): boolean {
  const api = (error as { api_error?: { err_code?: number } } | undefined)?.api_error;
  return api?.err_code === 10071 || /wrong last sequence/i.test(String(error));
}

function decode(data: Uint8Array): unknown {
  try {
    return json.decode(data);
  } catch {
    return undefined;
  }
}
