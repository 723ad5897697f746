import type { Queryable } from '@federa/eventstore';
import type { UsageAmounts } from '../domain/usage-amounts';

/**
 * Statistics' usage tables. Minute rows are what heartbeats add up to, per instance, per minute and
 * per host (an instance moved in the middle of a minute has a row on each host, so that a host's
 * cost over a window stays right after a migration). Hourly and daily rollups are derived from the
 * minute rows alone and replaced whole when recomputed, so a rebuild gives the same rows.
 *
 * Units: cpu in cpu-seconds, memory in GiB-minutes, storage in GiB-hours, network in bytes. The
 * application's load is kept as a sum and a count so that averages add up across rows
 * (average = load_sum / load_samples; no load reported: load_samples = 0).
 */
export const usageSchemaSql = `
CREATE SCHEMA IF NOT EXISTS statistics;

CREATE TABLE IF NOT EXISTS statistics.usage_minutes (
  instance text NOT NULL,
  minute timestamptz NOT NULL,
  host text NOT NULL,
  cpu_seconds double precision NOT NULL,
  memory_gib_minutes double precision NOT NULL,
  storage_gib_hours double precision NOT NULL,
  network_in_bytes bigint NOT NULL,
  network_out_bytes bigint NOT NULL,
  load_sum double precision NOT NULL,
  load_samples integer NOT NULL,
  samples integer NOT NULL,
  PRIMARY KEY (instance, minute, host)
);
CREATE INDEX IF NOT EXISTS usage_minutes_minute ON statistics.usage_minutes (minute);
CREATE INDEX IF NOT EXISTS usage_minutes_host_minute ON statistics.usage_minutes (host, minute);

-- scope: instance | application | service | host | site. subject: the instance id, '<service>/<app>',
-- the service, the host or the site. host: for scope instance, the host the minutes ran on (an
-- instance moved within the hour or day has a row per host), '' for the other scopes.
-- instance_minutes: minute rows summed (instances × minutes).
CREATE TABLE IF NOT EXISTS statistics.usage_hourly (
  scope text NOT NULL,
  subject text NOT NULL,
  start timestamptz NOT NULL,
  cpu_seconds double precision NOT NULL,
  memory_gib_minutes double precision NOT NULL,
  storage_gib_hours double precision NOT NULL,
  network_in_bytes bigint NOT NULL,
  network_out_bytes bigint NOT NULL,
  load_sum double precision NOT NULL,
  load_samples integer NOT NULL,
  samples integer NOT NULL,
  instance_minutes integer NOT NULL,
  -- Last, as on tables from before it (added there).
  host text NOT NULL DEFAULT '',
  PRIMARY KEY (scope, subject, start, host)
);
CREATE INDEX IF NOT EXISTS usage_hourly_start ON statistics.usage_hourly (start);

CREATE TABLE IF NOT EXISTS statistics.usage_daily (LIKE statistics.usage_hourly INCLUDING ALL);

-- Rollups from before the host column: add it and key the rows by it too.
ALTER TABLE statistics.usage_hourly ADD COLUMN IF NOT EXISTS host text NOT NULL DEFAULT '';
ALTER TABLE statistics.usage_daily ADD COLUMN IF NOT EXISTS host text NOT NULL DEFAULT '';
DO $$
DECLARE
  t text;
  pk text;
BEGIN
  FOREACH t IN ARRAY ARRAY['usage_hourly', 'usage_daily'] LOOP
    SELECT c.conname INTO pk FROM pg_constraint c
     WHERE c.conrelid = ('statistics.' || t)::regclass AND c.contype = 'p'
       AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid
                        AND a.attnum = ANY (c.conkey) AND a.attname = 'host');
    IF pk IS NOT NULL THEN
      EXECUTE format('ALTER TABLE statistics.%I DROP CONSTRAINT %I, ADD PRIMARY KEY (scope, subject, start, host)', t, pk);
    END IF;
  END LOOP;
END $$;

-- Each host's latest agent run (epoch) and the highest heartbeat sequence counted of it, written
-- with the minutes they produced: a heartbeat at or below it is a replay, an older epoch is stale.
CREATE TABLE IF NOT EXISTS statistics.usage_heartbeat_marks (
  host text PRIMARY KEY,
  epoch bigint NOT NULL,
  seq bigint NOT NULL
);

-- The usage leader's term, raised by each replica that takes over the counting: a flush writes
-- only while its replica's term is the latest, so a deposed leader still alive cannot add a minute.
CREATE TABLE IF NOT EXISTS statistics.usage_leader_term (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  term bigint NOT NULL
);

-- Hours whose minute rows changed since their rollups were last computed.
CREATE TABLE IF NOT EXISTS statistics.usage_dirty_hours (
  hour timestamptz PRIMARY KEY,
  touched_at timestamptz NOT NULL
);
-- Instance rollups from before the host column whose minutes are still kept are recomputed, so they
-- name their hosts; older ones keep host '' (cost spreads them over the instance's stays by time).
INSERT INTO statistics.usage_dirty_hours (hour, touched_at)
SELECT DISTINCT r.start, clock_timestamp() FROM statistics.usage_hourly r
 WHERE r.scope = 'instance' AND r.host = ''
   AND EXISTS (SELECT 1 FROM statistics.usage_minutes m
                WHERE m.minute >= r.start AND m.minute < r.start + interval '1 hour')
ON CONFLICT (hour) DO NOTHING;

-- Hours whose minutes changed since the usage recorder last looked at them (UsageRecorded).
CREATE TABLE IF NOT EXISTS statistics.usage_unrecorded_hours (
  hour timestamptz PRIMARY KEY,
  touched_at timestamptz NOT NULL
);

-- Each statistics-<instance> stream's version and the last hour it records (UsageRecorded v2).
CREATE TABLE IF NOT EXISTS statistics.usage_streams (
  instance text PRIMARY KEY,
  version integer NOT NULL,
  last_hour timestamptz NOT NULL
);
`;

export const usageScopes = ['instance', 'application', 'service', 'host', 'site'] as const;
export type UsageScope = (typeof usageScopes)[number];

export type { UsageAmounts };

/** A row of statistics.usage_minutes. */
export interface UsageMinuteRow extends UsageAmounts {
  instance: string;
  /** Start of the minute. */
  minute: Date;
  host: string;
}

/** A row of statistics.usage_hourly or statistics.usage_daily. */
export interface UsageRollupRow extends UsageAmounts {
  scope: UsageScope;
  subject: string;
  /** The host the minutes ran on, for scope instance; '' for the others. */
  host: string;
  /** Start of the hour or of the day (UTC). */
  start: Date;
  instanceMinutes: number;
}

/** Creates the usage tables (idempotent); called from the statistics schema setup. */
export async function setupUsageTables(db: Queryable): Promise<void> {
  await db.query({ text: usageSchemaSql });
}
