import type { Queryable } from '@federa/eventstore';
import type { Pool } from 'pg';
import { setupUsageTables } from '../usage/infrastructure/usage-schema';
import { setupBudgetBreaches } from '../cost/infrastructure/budget-breaches';
import { setupForecastTables } from '../forecast/infrastructure/forecast-schema';

/**
 * The tables one area of statistics keeps (usage, cost, forecast...): created idempotently
 * (`IF NOT EXISTS`) after the schema and the catalogue exist, every time the service starts.
 */
export type TableSetup = (db: Queryable) => Promise<void>;

/** Statistics' own tables live in their own schema of the event log's database. */
const catalogueTables = `
CREATE SCHEMA IF NOT EXISTS statistics;

-- Positions of the event log each consumer has applied, written in the transaction of the effect:
-- positions are unique but not monotonic, so "handled" is this set, not a high-water mark.
CREATE TABLE IF NOT EXISTS statistics.handled_positions (
  consumer text   NOT NULL,
  position bigint NOT NULL,
  PRIMARY KEY (consumer, position)
);

-- Where each consumer is: the last event applied (log position and JetStream stream sequence),
-- locked by every transaction that applies one, so that effects follow the relay's order.
CREATE TABLE IF NOT EXISTS statistics.consumer_state (
  consumer        text   PRIMARY KEY,
  last_position   bigint NOT NULL DEFAULT 0,
  last_stream_seq bigint NOT NULL DEFAULT 0,
  -- When the JetStream stream was created: another stream restarts its sequences.
  stream_created  text   NOT NULL DEFAULT '',
  -- Events applied from the Postgres log because the stream no longer held them.
  caught_up       bigint NOT NULL DEFAULT 0,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- One row per host ever registered: its site, capacity, cost rates (as host.yaml costs) and features.
CREATE TABLE IF NOT EXISTS statistics.hosts (
  id                    text PRIMARY KEY,
  site                  text NOT NULL,
  state                 text NOT NULL,
  cordoned              boolean NOT NULL DEFAULT false,
  security_level        integer NOT NULL DEFAULT 0,
  cpu_millis            bigint NOT NULL DEFAULT 0,
  memory_bytes          bigint NOT NULL DEFAULT 0,
  storage_bytes         bigint NOT NULL DEFAULT 0,
  bandwidth_bps         bigint NOT NULL DEFAULT 0,
  cpu_per_hour          double precision NOT NULL DEFAULT 0,
  memory_gib_per_hour   double precision NOT NULL DEFAULT 0,
  storage_gib_per_month double precision NOT NULL DEFAULT 0,
  network_per_gib       double precision NOT NULL DEFAULT 0,
  standing_per_hour     double precision NOT NULL DEFAULT 0,
  ups                   boolean NOT NULL DEFAULT false,
  raid                  boolean NOT NULL DEFAULT false,
  registered_at         timestamptz NOT NULL,
  retired_at            timestamptz,
  position              bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS hosts_site_idx ON statistics.hosts (site);
-- Lifecycle and liveness apart (state is what they make together): a drained host that comes back
-- stays drained. Rows from before are split from their state once.
ALTER TABLE statistics.hosts ADD COLUMN IF NOT EXISTS lifecycle text;
ALTER TABLE statistics.hosts ADD COLUMN IF NOT EXISTS liveness text;
UPDATE statistics.hosts
   SET lifecycle = CASE WHEN state IN ('draining', 'drained', 'retired') THEN state ELSE 'active' END,
       liveness = CASE WHEN state IN ('suspect', 'down') THEN state ELSE 'ready' END
 WHERE lifecycle IS NULL OR liveness IS NULL;
ALTER TABLE statistics.hosts ALTER COLUMN lifecycle SET DEFAULT 'active';
ALTER TABLE statistics.hosts ALTER COLUMN liveness SET DEFAULT 'ready';
ALTER TABLE statistics.hosts ALTER COLUMN lifecycle SET NOT NULL;
ALTER TABLE statistics.hosts ALTER COLUMN liveness SET NOT NULL;

-- Each host's site, rates and protections over [valid_from, valid_to) (valid_to NULL: still holding):
-- a new term only when one of them changes, so a past window is priced at what held then. A host
-- from before has one term, from its registration, at what its row says.
CREATE TABLE IF NOT EXISTS statistics.host_terms (
  host                  text NOT NULL,
  valid_from            timestamptz NOT NULL,
  valid_to              timestamptz,
  site                  text NOT NULL,
  cpu_per_hour          double precision NOT NULL,
  memory_gib_per_hour   double precision NOT NULL,
  storage_gib_per_month double precision NOT NULL,
  network_per_gib       double precision NOT NULL,
  standing_per_hour     double precision NOT NULL,
  ups                   boolean NOT NULL,
  raid                  boolean NOT NULL,
  PRIMARY KEY (host, valid_from)
);
CREATE UNIQUE INDEX IF NOT EXISTS host_terms_open_idx ON statistics.host_terms (host) WHERE valid_to IS NULL;
INSERT INTO statistics.host_terms (host, valid_from, valid_to, site, cpu_per_hour, memory_gib_per_hour,
       storage_gib_per_month, network_per_gib, standing_per_hour, ups, raid)
SELECT id, registered_at, NULL, site, cpu_per_hour, memory_gib_per_hour, storage_gib_per_month,
       network_per_gib, standing_per_hour, ups, raid
  FROM statistics.hosts h
 WHERE NOT EXISTS (SELECT 1 FROM statistics.host_terms t WHERE t.host = h.id);

-- One row per placement interval of an instance, [placed_at, ended_at): a migration ends one interval
-- and opens another on the new host, so cost per host over any window follows the instance.
CREATE TABLE IF NOT EXISTS statistics.instances (
  id             text NOT NULL,
  -- Position of the event that opened the interval: its key, whatever the clocks say.
  opened_by      bigint NOT NULL,
  service        text NOT NULL,
  app            text NOT NULL,
  host           text NOT NULL,
  layer          text NOT NULL,
  cpu_millis     bigint NOT NULL DEFAULT 0,
  memory_bytes   bigint NOT NULL DEFAULT 0,
  storage_bytes  bigint NOT NULL DEFAULT 0,
  bandwidth_bps  bigint NOT NULL DEFAULT 0,
  -- Placement's cost model for the instance on this host when placed (InstancePlaced costPerHour).
  cost_per_hour  double precision NOT NULL DEFAULT 0,
  placed_at      timestamptz NOT NULL,
  ended_at       timestamptz,
  closed_by      bigint,
  PRIMARY KEY (id, opened_by)
);
CREATE UNIQUE INDEX IF NOT EXISTS instances_open_idx ON statistics.instances (id) WHERE ended_at IS NULL;
CREATE INDEX IF NOT EXISTS instances_host_idx ON statistics.instances (host, placed_at);
CREATE INDEX IF NOT EXISTS instances_service_idx ON statistics.instances (service, app, placed_at);
-- Retention finds the intervals that ended long ago.
CREATE INDEX IF NOT EXISTS instances_ended_idx ON statistics.instances (ended_at) WHERE ended_at IS NOT NULL;

-- One row per service ever defined: its budget and applications as its latest revision says.
CREATE TABLE IF NOT EXISTS statistics.services (
  name              text PRIMARY KEY,
  revision          integer NOT NULL,
  max_cost_per_hour double precision,
  applications      text[] NOT NULL DEFAULT '{}',
  defined_at        timestamptz NOT NULL,
  deleted_at        timestamptz,
  position          bigint NOT NULL
);
`;

/**
 * Each area's tables, created after the catalogue in this order: an area adds its setup here.
 */
export const areaTableSetups: readonly TableSetup[] = [
  setupUsageTables,
  setupBudgetBreaches,
  setupForecastTables,
];

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
