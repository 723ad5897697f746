import type { RecordedEvent } from '@federa/contracts';
import { resetCheckpoint, type Projection, type Queryable } from '@federa/eventstore';
import type { HostEvent } from '../domain/host-events';

/** Resources as instance events carry them. */
interface Resources {
  cpuMillis: number;
  memoryBytes: number;
  storageBytes: number;
  bandwidthBps: number;
}

/**
 * The hosts read model in schema `inventory`: one row per host from its host events, and one row per
 * instance on a host from placement's and supervision's instance events (for `allocated` and for
 * retire/drain). Rebuilt from the log by the projection runner, giving the same rows.
 */
export class HostProjection implements Projection {
  readonly name = 'inventory.hosts';

  async setup(db: Queryable): Promise<void> {
    // A read model from before the drain columns is replayed from the log rather than altered: the
    // drains it already folded would otherwise show as never started.
    const { rows } = await db.query<{ outdated: boolean }>({
      text: `SELECT to_regclass('inventory.hosts') IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM information_schema.columns
               WHERE table_schema = 'inventory' AND table_name = 'hosts' AND column_name = 'drain_state'
             ) AS outdated`,
    });
    if (rows[0]?.outdated) {
      await this.drop(db);
      await resetCheckpoint(db, this.name);
    }
    await db.query({
      text: `
CREATE SCHEMA IF NOT EXISTS inventory;
CREATE TABLE IF NOT EXISTS inventory.hosts (
  id                  text        PRIMARY KEY,
  site                text        NOT NULL,
  liveness            text        NOT NULL,
  lifecycle           text        NOT NULL,
  cordoned            boolean     NOT NULL DEFAULT false,
  layers              jsonb       NOT NULL,
  capacity            jsonb       NOT NULL,
  security_level      integer     NOT NULL,
  costs               jsonb       NOT NULL,
  features            jsonb       NOT NULL,
  labels              jsonb       NOT NULL,
  epoch               integer     NOT NULL,
  last_heartbeat_at   timestamptz,
  down_cause          text,
  down_deferred_until timestamptz,
  drain_state         text,
  drain_started_at    timestamptz,
  drain_deadline_at   timestamptz,
  drain_replace_with  text,
  drain_blocked       jsonb       NOT NULL DEFAULT '[]',
  registered_at       timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS inventory.host_instances (
  instance  text  PRIMARY KEY,
  host      text  NOT NULL,
  resources jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS host_instances_host ON inventory.host_instances (host);`,
    });
  }

  async drop(db: Queryable): Promise<void> {
    await db.query({ text: 'DROP TABLE IF EXISTS inventory.hosts, inventory.host_instances' });
  }

  async apply(db: Queryable, events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.streamId.startsWith('host-')) await this.applyHostEvent(db, event);
      else if (event.streamId.startsWith('instance-')) await this.applyInstanceEvent(db, event);
    }
  }

  private async applyHostEvent(db: Queryable, recorded: RecordedEvent): Promise<void> {
    const event = { type: recorded.type, data: recorded.data } as HostEvent;
    const at = recorded.metadata.occurredAt ?? recorded.recordedAt;
    const set = (assignments: string, values: unknown[]) =>
      db.query({
        text: `UPDATE inventory.hosts SET ${assignments}, updated_at = $2 WHERE id = $1`,
        values: [event.data.host, at, ...values],
      });
    switch (event.type) {
      case 'HostRegistered': {
        const d = event.data;
        await db.query({
          text: `INSERT INTO inventory.hosts (id, site, liveness, lifecycle, layers, capacity, security_level,
                   costs, features, labels, epoch, registered_at, updated_at)
                 VALUES ($1, $2, 'ready', 'active', $3, $4, $5, $6, $7, $8, $9, $10, $10)
                 ON CONFLICT (id) DO UPDATE SET site = $2, liveness = 'ready', layers = $3, capacity = $4,
                   security_level = $5, costs = $6, features = $7, labels = $8, epoch = $9,
                   down_cause = NULL, down_deferred_until = NULL, updated_at = $10`,
          values: [
            d.host,
            d.site,
            JSON.stringify(d.layers),
            JSON.stringify(d.capacity),
            d.securityLevel,
            JSON.stringify(d.costs),
            JSON.stringify(d.features),
            JSON.stringify(d.labels ?? {}),
            d.epoch,
            at,
          ],
        });
        return;
      }
      case 'HostRecovered':
        await set(
          `liveness = 'ready', epoch = $3, down_cause = NULL, down_deferred_until = NULL,
           last_heartbeat_at = GREATEST(last_heartbeat_at, $4::timestamptz)`,
          [event.data.epoch, event.data.lastHeartbeatAt ?? null],
        );
        return;
      case 'HostCapacityChanged':
        await set('capacity = $3', [JSON.stringify(event.data.capacity)]);
        return;
      case 'HostSuspected':
        await set(
          `liveness = 'suspect', last_heartbeat_at = GREATEST(last_heartbeat_at, $3::timestamptz)`,
          [event.data.lastHeartbeatAt ?? null],
        );
        return;
      case 'HostDown':
        await set(`liveness = 'down', down_cause = $3, down_deferred_until = NULL`, [
          event.data.cause ?? 'dead',
        ]);
        return;
      case 'HostDownRateLimited':
        await set('down_deferred_until = $3', [event.data.retryAt ?? null]);
        return;
      case 'HostCordoned':
        await set('cordoned = true', []);
        return;
      case 'HostUncordoned':
        if (!event.data.drainEnded) {
          await set('cordoned = false', []);
          return;
        }
        // Back in service: the drain stays on record as cancelled (`describe host` shows it ended).
        await set(
          `cordoned = false, lifecycle = CASE WHEN lifecycle = 'retired' THEN lifecycle ELSE 'active' END,
           drain_state = CASE WHEN drain_state IS NULL THEN NULL ELSE 'cancelled' END, drain_blocked = '[]'`,
          [],
        );
        return;
      case 'HostDrainStarted':
        await set(
          `lifecycle = 'draining', drain_state = 'draining', drain_started_at = $2,
           drain_deadline_at = $3, drain_replace_with = $4, drain_blocked = '[]'`,
          [event.data.deadlineAt ?? null, event.data.replaceWith ?? null],
        );
        return;
      case 'HostDrainBlocked':
        await set('drain_blocked = $3', [JSON.stringify(event.data.blocked)]);
        return;
      // What stayed keeps its reason: `describe host` shows why each instance did not move.
      case 'HostDrainTimedOut':
        await set(`drain_state = 'timed-out', drain_blocked = $3`, [
          JSON.stringify(event.data.remaining),
        ]);
        return;
      case 'HostDrained':
        await set(`lifecycle = 'drained', drain_state = 'drained', drain_blocked = '[]'`, []);
        return;
      case 'HostRetired':
        await set(`lifecycle = 'retired'`, []);
        return;
    }
  }

  private async applyInstanceEvent(db: Queryable, event: RecordedEvent): Promise<void> {
    const data = event.data as { instance: string; host?: string; resources?: Resources };
    switch (event.type) {
      case 'InstancePlaced':
        if (!data.host || !data.resources) return;
        await db.query({
          text: `INSERT INTO inventory.host_instances (instance, host, resources) VALUES ($1, $2, $3)
                 ON CONFLICT (instance) DO UPDATE SET host = $2, resources = $3`,
          values: [data.instance, data.host, JSON.stringify(data.resources)],
        });
        return;
      case 'InstanceRelocated':
        if (!data.host) return;
        await db.query({
          text: 'UPDATE inventory.host_instances SET host = $2 WHERE instance = $1',
          values: [data.instance, data.host],
        });
        return;
      case 'InstanceStopped':
      case 'InstanceFailed':
        await db.query({
          text: 'DELETE FROM inventory.host_instances WHERE instance = $1',
          values: [data.instance],
        });
        return;
    }
  }
}
