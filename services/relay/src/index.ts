/**
 * The relay's public entry, for the CLI, benchmarks and other services' tests: the relay itself and
 * the names it runs under. It loads no Nest module: the application is main.ts.
 */
export { EventRelay, type EventRelayOptions } from './infrastructure/event-relay';
export { relayLeaseName } from './infrastructure/relay-lease-name';
export { relayConnectionOptions } from './infrastructure/relay-connection-options';
