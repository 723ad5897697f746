// The in-memory store and what its callers need, without the Postgres store's modules: a pure unit
// test imports `@federa/eventstore/in-memory` and loads no database client.
export * from './in-memory-event-store';
export * from '../event-store';
export * from '../errors';
export * from '../decider/decider';
export * from '../decider/handle-command';
export * from '../validation/event-validator';
