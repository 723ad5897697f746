import type { Queryable } from '@federa/eventstore';
import type { Pool } from 'pg';

/**
 * The tables one area of statistics keeps (usage, cost, forecast...): created idempotently
 * (`IF NOT EXISTS`) after the schema and the catalogue exist, every time the service starts.
 */
export type TableSetup = (db: Queryable) => Promise<void>;

/** Statistics' own tables live in their own schema of the event log's database. */
const catalogueTables = `
CREATE SCHEMA IF NOT EXISTS statistics;

-- Positions of the event log this consumer has applied (written in the transaction of the effect).
CREATE TABLE IF NOT EXISTS statistics.handled_positions (
  consumer   text   NOT NULL,
  position   bigint NOT NULL,
  handled_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, position)
);

-- Where the consumer is: the last event applied, to resume (and catch up) after it.
CREATE TABLE IF NOT EXISTS statistics.consumer_state (
  consumer          text   PRIMARY KEY,
  last_position     bigint NOT NULL DEFAULT 0,
  last_stream_seq   bigint NOT NULL DEFAULT 0,
  log_transaction   text   NOT NULL DEFAULT '0',
  log_position      bigint NOT NULL DEFAULT 0,
  caught_up_from_log bigint NOT NULL DEFAULT 0,
  updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS statistics.hosts (
  id                  text PRIMARY KEY,
  site                text,
  state               text NOT NULL,
  cpu_millis          bigint NOT NULL DEFAULT 0,
  memory_mib          bigint NOT NULL DEFAULT 0,
  storage_gib         bigint NOT NULL DEFAULT 0,
  cpu_per_hour        double precision NOT NULL DEFAULT 0,
  memory_gib_per_hour double precision NOT NULL DEFAULT 0,
  storage_gib_per_hour double precision NOT NULL DEFAULT 0,
  network_per_gib     double precision NOT NULL DEFAULT 0,
  standing_per_hour   double precision NOT NULL DEFAULT 0,
  ups                 boolean NOT NULL DEFAULT false,
  raid                boolean NOT NULL DEFAULT false,
  registered_at       timestamptz,
  retired_at          timestamptz,
  position            bigint NOT NULL
);

-- One row per placement interval of an instance: a migration ends one and starts another.
CREATE TABLE IF NOT EXISTS statistics.instances (
  id          text NOT NULL,
  placed_at   timestamptz NOT NULL,
  ended_at    timestamptz,
  service     text NOT NULL,
  app         text NOT NULL,
  host        text NOT NULL,
  layer       text NOT NULL,
  cpu_millis  bigint NOT NULL DEFAULT 0,
  memory_mib  bigint NOT NULL DEFAULT 0,
  storage_gib bigint NOT NULL DEFAULT 0,
  position    bigint NOT NULL,
  PRIMARY KEY (id, placed_at)
);
CREATE INDEX IF NOT EXISTS instances_host_idx ON statistics.instances (host, placed_at);
CREATE INDEX IF NOT EXISTS instances_service_idx ON statistics.instances (service, placed_at);

CREATE TABLE IF NOT EXISTS statistics.services (
  name                text PRIMARY KEY,
  max_cost_per_hour   double precision,
  applications        text[] NOT NULL DEFAULT '{}',
  deleted_at          timestamptz,
  position            bigint NOT NULL
);
`;

/**
 * Each area's tables, created after the catalogue in this order: an area adds its setup here.
 */
export const areaTableSetups: readonly TableSetup[] = [];

/**
 * Creates the statistics schema and the catalogue, then each area's tables. Safe to run by several
 * replicas at once: one advisory lock (held on one session) serialises the DDL.
 */
export async function setupStatisticsSchema(
  pool: Pool,
  areas: readonly TableSetup[] = areaTableSetups,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(hashtext('federa.statistics.schema'))`);
    try {
      await client.query(catalogueTables);
      for (const setup of areas) await setup(client);
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext('federa.statistics.schema'))`);
    }
  } finally {
    client.release();
  }
}
