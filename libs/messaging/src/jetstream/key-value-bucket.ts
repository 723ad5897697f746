import type { KV, NatsConnection } from 'nats';

/**
 * Opens a JetStream key-value bucket, creating it (one value kept per key, file storage) when
 * nothing has yet. An existing bucket is bound as it is, never reconfigured: writers and readers
 * may open it in either order.
 */
export function openKeyValueBucket(nc: NatsConnection, bucket: string): Promise<KV> {
  return nc.jetstream().views.kv(bucket, { history: 1 });
}
