/**
 * The relay's public entry, for the CLI, benchmarks and other services' tests: the relay itself and
 * the names it runs under. It loads no Nest module: the application is main.ts.
 */
export { EventRelay, type EventRelayOptions } from './event-relay';
export { relayLeaseName } from './relay-lease-name';
export { relayConnectionOptions } from './relay-connection-options';
