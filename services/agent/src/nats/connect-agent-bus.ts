import { connect, type NatsConnection } from 'nats';

/**
 * Connects the agent to NATS with the project's settings (as @federa/messaging's connectNats: stale
 * connection noticed in ~2 s, reconnect forever, wait for a server still starting). Not imported
 * from there because that package also loads Nest's transport, about 20 MB the agent never uses.
 */
export function connectAgentBus(url: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: url.split(','),
    name,
    pingInterval: 1000,
    maxPingOut: 2,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
  });
}
