import { streamCategory, type RecordedEvent } from '@federa/contracts';
import type { Projection, Queryable } from '@federa/eventstore';
import type { InstanceView } from '../domain/instance-view';
import type { ServiceState } from '../domain/service-decider';
import { SupervisionView } from '../domain/supervision-view';

/** The read model's checkpoint name, which its queries read to tell whether it is at the log's head. */
export const supervisionReadModelName = 'supervision.read-model';

/** Streams whose events the read model folds. */
const folded = new Set(['service', 'instance', 'host']);

/**
 * Services, instances and hosts as supervision answers them, in schema `supervision`. Each page is
 * folded with the same code as the supervisor's in-memory view (SupervisionView) over the rows it
 * touches, so both agree and a rebuild from the log gives the same rows. Folded state is stored as
 * `json`, not `jsonb`: the decider compares specs by their JSON text, so key order must survive.
 */
export class SupervisionProjection implements Projection {
  readonly name = supervisionReadModelName;

  async setup(db: Queryable): Promise<void> {
    await db.query({
      text: `
CREATE SCHEMA IF NOT EXISTS supervision;
CREATE TABLE IF NOT EXISTS supervision.services (
  name   text PRIMARY KEY,
  status text NOT NULL,
  state  json NOT NULL
);
CREATE TABLE IF NOT EXISTS supervision.instances (
  id         text   PRIMARY KEY,
  service    text   NOT NULL,
  app        text   NOT NULL,
  host       text,
  state      text   NOT NULL,
  -- log position of its InstanceRequested: answers list a service's instances in this order
  seq        bigint NOT NULL,
  host_epoch integer,
  view       json   NOT NULL
);
CREATE INDEX IF NOT EXISTS instances_service ON supervision.instances (service, seq);
CREATE TABLE IF NOT EXISTS supervision.hosts (
  id    text    PRIMARY KEY,
  epoch integer NOT NULL,
  down  boolean NOT NULL
);`,
    });
  }

  async drop(db: Queryable): Promise<void> {
    await db.query({
      text: 'DROP TABLE IF EXISTS supervision.services, supervision.instances, supervision.hosts',
    });
  }

  async apply(db: Queryable, events: RecordedEvent[]): Promise<void> {
    const relevant = events.filter((e) => folded.has(streamCategory(e.streamId)));
    if (relevant.length === 0) return;
    const keys = touchedKeys(relevant);
    const view = new SupervisionView();
    const seq = await load(db, view, keys);
    view.apply(relevant);
    for (const event of relevant) {
      const id = instanceIdOf(event);
      if (id && event.type === 'InstanceRequested' && !seq.has(id)) seq.set(id, event.position);
    }
    await save(db, view, keys, seq);
  }
}

interface TouchedKeys {
  services: string[];
  instances: string[];
  hosts: string[];
}

/** The rows a page changes, named as SupervisionView names them. */
function touchedKeys(events: readonly RecordedEvent[]): TouchedKeys {
  const services = new Set<string>();
  const instances = new Set<string>();
  const hosts = new Set<string>();
  for (const event of events) {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const category = streamCategory(event.streamId);
    if (category === 'service')
      services.add(String(data.service ?? event.streamId.slice('service-'.length)));
    else if (category === 'instance') instances.add(instanceIdOf(event) as string);
    else hosts.add(String(data.host));
  }
  return { services: [...services], instances: [...instances], hosts: [...hosts] };
}

function instanceIdOf(event: RecordedEvent): string | undefined {
  return streamCategory(event.streamId) === 'instance'
    ? event.streamId.slice('instance-'.length)
    : undefined;
}

/** Puts the touched rows into `view`; answers the known instances' sequence numbers. */
async function load(
  db: Queryable,
  view: SupervisionView,
  keys: TouchedKeys,
): Promise<Map<string, number>> {
  const seq = new Map<string, number>();
  if (keys.services.length > 0) {
    const { rows } = await db.query<{ name: string; state: ServiceState }>({
      text: 'SELECT name, state FROM supervision.services WHERE name = ANY($1)',
      values: [keys.services],
    });
    for (const row of rows) view.services.set(row.name, row.state);
  }
  if (keys.instances.length > 0) {
    const { rows } = await db.query<{
      id: string;
      seq: string;
      host_epoch: number | null;
      view: InstanceView;
    }>({
      text: 'SELECT id, seq, host_epoch, view FROM supervision.instances WHERE id = ANY($1)',
      values: [keys.instances],
    });
    for (const row of rows) {
      view.instances.set(row.id, row.view);
      if (row.host_epoch !== null) view.placements.set(row.id, { hostEpoch: row.host_epoch });
      seq.set(row.id, Number(row.seq));
    }
  }
  if (keys.hosts.length > 0) {
    const { rows } = await db.query<{ id: string; epoch: number; down: boolean }>({
      text: 'SELECT id, epoch, down FROM supervision.hosts WHERE id = ANY($1)',
      values: [keys.hosts],
    });
    for (const row of rows) view.hosts.set(row.id, row);
  }
  return seq;
}

async function save(
  db: Queryable,
  view: SupervisionView,
  keys: TouchedKeys,
  seq: Map<string, number>,
): Promise<void> {
  const services = keys.services.flatMap((name) => {
    const state = view.services.get(name);
    return state ? [{ name, status: state.status, state }] : [];
  });
  if (services.length > 0) {
    await db.query({
      text: `INSERT INTO supervision.services (name, status, state)
             SELECT name, status, state FROM json_to_recordset($1::json)
               AS r(name text, status text, state json)
             ON CONFLICT (name) DO UPDATE SET status = excluded.status, state = excluded.state`,
      values: [JSON.stringify(services)],
    });
  }
  const instances = keys.instances.flatMap((id) => {
    const instance = view.instances.get(id);
    if (!instance) return [];
    return [
      {
        id,
        service: instance.service,
        app: instance.app,
        host: instance.host ?? null,
        state: instance.state,
        seq: seq.get(id) ?? 0,
        host_epoch: view.placements.get(id)?.hostEpoch ?? null,
        view: instance,
      },
    ];
  });
  if (instances.length > 0) {
    await db.query({
      text: `INSERT INTO supervision.instances (id, service, app, host, state, seq, host_epoch, view)
             SELECT id, service, app, host, state, seq, host_epoch, view FROM json_to_recordset($1::json)
               AS r(id text, service text, app text, host text, state text, seq bigint,
                    host_epoch integer, view json)
             ON CONFLICT (id) DO UPDATE SET service = excluded.service, app = excluded.app,
               host = excluded.host, state = excluded.state, host_epoch = excluded.host_epoch,
               view = excluded.view`,
      values: [JSON.stringify(instances)],
    });
  }
  const hosts = keys.hosts.flatMap((id) => {
    const host = view.hosts.get(id);
    return host ? [host] : [];
  });
  if (hosts.length > 0) {
    await db.query({
      text: `INSERT INTO supervision.hosts (id, epoch, down)
             SELECT id, epoch, down FROM json_to_recordset($1::json)
               AS r(id text, epoch integer, down boolean)
             ON CONFLICT (id) DO UPDATE SET epoch = excluded.epoch, down = excluded.down`,
      values: [JSON.stringify(hosts)],
    });
  }
}
