import type { ConnectionOptions } from 'nats';

/**
 * The relay's NATS connection settings on top of the usual ones: no async stack trace per request
 * (nats.js otherwise builds an Error for every JetStream publish, a large share of the relay's CPU).
 */
export const relayConnectionOptions: Partial<ConnectionOptions> = { noAsyncTraces: true };
