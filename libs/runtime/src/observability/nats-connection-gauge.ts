import type { NatsConnection } from 'nats';
import { Gauge, register } from 'prom-client';

/** Each service's live connections and whether each is connected now (a process may hold several). */
const watched = new Map<string, Map<NatsConnection, boolean>>();

function gauge(): Gauge {
  const existing = register.getSingleMetric('federa_nats_connected');
  if (existing) return existing as Gauge;
  return new Gauge({
    name: 'federa_nats_connected',
    help: 'Whether the service is connected to NATS now (1) or not (0)',
    labelNames: ['service'],
    collect() {
      for (const [service, connections] of watched) {
        const connected = [...connections.values()].some(Boolean);
        this.set({ service }, connected ? 1 : 0);
      }
    },
  });
}

/**
 * Counts `nc` in `federa_nats_connected{service}`: 1 while it is connected, 0 from a disconnection
 * to the reconnection, and 0 for good once it is closed (a service left with no connection reads 0).
 */
export function watchNatsConnection(service: string, nc: NatsConnection): void {
  gauge();
  const connections = watched.get(service) ?? new Map<NatsConnection, boolean>();
  watched.set(service, connections);
  if (connections.has(nc)) return;
  connections.set(nc, !nc.isClosed());
  void followStatus(nc, connections);
  void nc.closed().then(() => connections.delete(nc));
}

async function followStatus(
  nc: NatsConnection,
  connections: Map<NatsConnection, boolean>,
): Promise<void> {
  for await (const status of nc.status()) {
    if (!connections.has(nc)) return;
    if (status.type === 'disconnect') connections.set(nc, false);
    else if (status.type === 'reconnect') connections.set(nc, true);
  }
}
