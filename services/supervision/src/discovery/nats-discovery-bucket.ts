import type { ServiceEndpoints } from '@federa/contracts';
import { Events, JSONCodec, type KV, type NatsConnection } from 'nats';
import type { DiscoveryBucket } from './endpoints-publisher';

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

  entries(): Promise<Map<string, unknown>> {
    return this.using(async (kv) => {
      const keys: string[] = [];
      for await (const key of await kv.keys()) keys.push(key);
      const entries = new Map<string, unknown>();
      for (const key of keys) {
        const entry = await kv.get(key);
        if (!entry || entry.operation !== 'PUT') continue;
        entries.set(key, decode(entry.value));
      }
      return entries;
    });
  }

  put(service: string, value: ServiceEndpoints): Promise<void> {
    return this.using(async (kv) => void (await kv.put(service, json.encode(value))));
  }

  delete(service: string): Promise<void> {
    return this.using((kv) => kv.delete(service));
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

function decode(data: Uint8Array): unknown {
  try {
    return json.decode(data);
  } catch {
    return undefined;
  }
}
