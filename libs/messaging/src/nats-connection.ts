import { connect, type ConnectionOptions, type NatsConnection } from 'nats';

/**
 * Connects to NATS the way every Federa process should: a stale connection is noticed in about 2 s
 * (with the client's default pings an 8 s partition passes unnoticed), reconnects forever, and
 * the first connection waits for a server that is still starting.
 */
export function connectNats(
  url: string,
  name: string,
  extra: Partial<ConnectionOptions> = {},
): Promise<NatsConnection> {
  return connect({ ...natsConnectionOptions(url, name), ...extra });
}

export function natsConnectionOptions(url: string, name: string): ConnectionOptions {
  return {
    servers: url.split(','),
    name,
    pingInterval: 1000,
    maxPingOut: 2,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    // Otherwise every request and subscription timer captures a stack trace in advance, in case it
    // fails: ~0.09 ms of the gateway's CPU per request it forwards. Our errors name the subject instead.
    noAsyncTraces: true,
  };
}
