import { connect } from 'nats';

/**
 * Deletes the JetStream streams (a plane's event stream, its hosts' key-value buckets) whose name
 * holds `prefix`, a scenario's unique subject prefix, from the NATS at `natsUrl`: a scenario run on
 * the shared NATS leaves nothing of its own there. Other tests' streams carry other prefixes.
 */
export async function deleteStreamsOf(natsUrl: string, prefix: string): Promise<void> {
  const nc = await connect({ servers: natsUrl, timeout: 5000, maxReconnectAttempts: 0 });
  try {
    const jsm = await nc.jetstreamManager({ timeout: 5000 });
    const mine: string[] = [];
    for await (const name of jsm.streams.names())
      if (name.toLowerCase().includes(prefix.toLowerCase())) mine.push(name);
    for (const name of mine) await jsm.streams.delete(name);
  } finally {
    await nc.close();
  }
}
