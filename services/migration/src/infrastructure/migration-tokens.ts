/** Nest injection tokens of the migration service. */
export const PG_POOL = Symbol('migration.pg-pool');
export const EVENT_STORE = Symbol('migration.event-store');
export const MIGRATION_CONFIG = Symbol('migration.config');
export const NATS_CONNECTION = Symbol('migration.nats');
