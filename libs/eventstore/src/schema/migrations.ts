/**
 * The event log's schema, as plain SQL applied in order by migrateEventStore. A migration is never edited
 * once released: a change is a new entry at the end.
 */
export const eventStoreMigrations: ReadonlyArray<{ id: string; sql: string }> = [
  {
    id: '0001-events',
    sql: `
CREATE SCHEMA IF NOT EXISTS eventlog;

CREATE TABLE IF NOT EXISTS eventlog.events (
  position        bigserial   PRIMARY KEY,
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text        NOT NULL,
  stream_category text        NOT NULL,
  stream_version  bigint      NOT NULL CHECK (stream_version > 0),
  event_id        uuid        NOT NULL,
  type            text        NOT NULL,
  schema_version  integer     NOT NULL CHECK (schema_version > 0),
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version),
  CONSTRAINT events_event_id_unique UNIQUE (event_id)
);

-- Readers page in commit-safe order: (transaction_id, position).
CREATE INDEX IF NOT EXISTS events_transaction_position ON eventlog.events (transaction_id, position);

-- The log is append-only for everyone, superusers included (tests connect as one).
CREATE OR REPLACE FUNCTION eventlog.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'eventlog.events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

DROP TRIGGER IF EXISTS events_append_only ON eventlog.events;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON eventlog.events
  FOR EACH ROW EXECUTE FUNCTION eventlog.refuse_change();
DROP TRIGGER IF EXISTS events_no_truncate ON eventlog.events;
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON eventlog.events
  FOR EACH STATEMENT EXECUTE FUNCTION eventlog.refuse_change();

-- Where each reader (projection, relay) is in the log.
CREATE TABLE IF NOT EXISTS eventlog.checkpoints (
  name           text        PRIMARY KEY,
  transaction_id xid8        NOT NULL DEFAULT '0',
  position       bigint      NOT NULL DEFAULT 0,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- The role services run as may add events but never change them.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'federa_app') THEN
    GRANT USAGE ON SCHEMA eventlog TO federa_app;
    GRANT SELECT, INSERT ON eventlog.events TO federa_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON eventlog.events FROM federa_app;
    GRANT USAGE ON SEQUENCE eventlog.events_position_seq TO federa_app;
    GRANT SELECT, INSERT, UPDATE ON eventlog.checkpoints TO federa_app;
  END IF;
END $$;
`,
  },
  {
    id: '0002-consumer-bookkeeping',
    sql: `
-- Positions a JetStream consumer has handled, written in the handler's own transaction (idempotence).
CREATE TABLE IF NOT EXISTS eventlog.handled_positions (
  consumer   text        NOT NULL,
  position   bigint      NOT NULL,
  handled_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, position)
);

-- Messages a consumer gave up on after its maximum deliveries.
CREATE TABLE IF NOT EXISTS eventlog.dead_letters (
  id         bigserial   PRIMARY KEY,
  consumer   text        NOT NULL,
  subject    text        NOT NULL,
  message_id text,
  deliveries integer     NOT NULL,
  reason     text        NOT NULL,
  payload    text        NOT NULL,
  dead_at    timestamptz NOT NULL DEFAULT now()
);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'federa_app') THEN
    GRANT SELECT, INSERT ON eventlog.handled_positions, eventlog.dead_letters TO federa_app;
    GRANT USAGE ON SEQUENCE eventlog.dead_letters_id_seq TO federa_app;
  END IF;
END $$;
`,
  },
  {
    id: '0003-events-by-actor',
    sql: `
-- The audit's question, who did what (GET /v1/events?actor=), in the readers' commit-safe order.
CREATE INDEX IF NOT EXISTS events_actor_transaction_position
  ON eventlog.events ((metadata->>'actor'), transaction_id, position);
`,
  },
];
