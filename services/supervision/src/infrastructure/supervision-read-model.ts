import {
  ErrorCodes,
  FederaError,
  ListLimits,
  pageOf,
  type ListInstancesQuery,
  type ListServicesQuery,
} from '@federa/contracts';
import type { Queryable } from '@federa/eventstore';
import { liveStates, type InstanceView } from '../domain/instance-view';
import type { ServiceState } from '../domain/service-decider';
import {
  instanceSummary,
  serviceSummary,
  type InstanceSummary,
  type ServiceSummary,
} from '../domain/service-summary';
import { SupervisionView } from '../domain/supervision-view';
import { supervisionReadModelName } from './supervision-projection';

/**
 * Supervision's answers to `get-service`, `list-services`, `list-instances` and `get-instance`, read
 * from the tables SupervisionProjection keeps in schema `supervision`. Lists are ordered by name or
 * id in byte order (`COLLATE "C"`), the same order `after` pages by; every list answers a page
 * with `next` while more remain, and ends a page early before its answer outgrows the bus.
 */
export class SupervisionReadModel {
  constructor(
    private readonly db: Queryable,
    /** The projection's checkpoint, read by the queries that must not answer behind the log. */
    private readonly checkpoint = supervisionReadModelName,
  ) {}

  /** The service with its applications and live instances; not_found when absent or deleted. */
  async service(name: string): Promise<ServiceSummary> {
    const { rows } = await this.db.query<{ state: ServiceState }>({
      text: `SELECT state FROM supervision.services
             WHERE name = $1 AND status NOT IN ('absent', 'deleted')`,
      values: [name],
    });
    if (rows.length === 0) throw new FederaError(ErrorCodes.notFound, `service ${name} not found`);
    const view = await this.viewOf([rows[0].state]);
    return serviceSummary(rows[0].state, view.instancesOf(name));
  }

  /**
   * The summary of a service in the state a command left it (its own revision, whatever was
   * committed after it), with the instances the read model shows.
   */
  async summaryOf(state: ServiceState): Promise<ServiceSummary> {
    const view = await this.viewOf([state]);
    return serviceSummary(state, view.instancesOf(state.name));
  }

  async services(query: ListServicesQuery): Promise<{ items: ServiceSummary[]; next?: string }> {
    const limit = query.limit ?? ListLimits.defaultPageSize;
    const { rows } = await this.db.query<{ state: ServiceState }>({
      text: `SELECT state FROM supervision.services
             WHERE status NOT IN ('absent', 'deleted')
               AND ($1::text IS NULL OR status = $1)
               AND ($2::text IS NULL OR name > $2 COLLATE "C")
             ORDER BY name COLLATE "C" LIMIT $3`,
      values: [query.state ?? null, query.after ?? null, limit + 1],
    });
    const states = rows.map((r) => r.state);
    const view = await this.viewOf(states.slice(0, limit));
    const summaries = states
      .slice(0, limit)
      .map((s) => serviceSummary(s, view.instancesOf(s.name)));
    const page = pageOf(summaries, limit, (s) => s.name);
    // The row past the limit only says that more remain.
    return states.length > limit && page.next === undefined
      ? { ...page, next: summaries[summaries.length - 1].name }
      : page;
  }

  /** Live instances unless a state is asked for, filtered by service, app and host. */
  async instances(query: ListInstancesQuery): Promise<{ items: InstanceSummary[]; next?: string }> {
    const limit = query.limit ?? ListLimits.defaultPageSize;
    const { rows } = await this.db.query<{ view: InstanceView }>({
      text: `SELECT view FROM supervision.instances
             WHERE ($1::text IS NULL OR service = $1) AND ($2::text IS NULL OR app = $2)
               AND ($3::text IS NULL OR host = $3)
               AND (CASE WHEN $4::text IS NULL THEN state = ANY($5) ELSE state = $4 END)
               AND ($6::text IS NULL OR id > $6 COLLATE "C")
             ORDER BY id COLLATE "C" LIMIT $7`,
      values: [
        query.service ?? null,
        query.app ?? null,
        query.host ?? null,
        query.state ?? null,
        [...liveStates],
        query.after ?? null,
        limit + 1,
      ],
    });
    return pageOf(
      rows.map((r) => instanceSummary(r.view)),
      limit,
      (i) => i.id,
    );
  }

  /**
   * The page `instances` answers, read in the same statement (one snapshot, one round trip) as the
   * log's head and the read model's checkpoint; undefined when the checkpoint is behind the head,
   * since the page might then miss what its caller has already seen committed.
   */
  async instancesIfCurrent(
    query: ListInstancesQuery,
  ): Promise<{ items: InstanceSummary[]; next?: string } | undefined> {
    const limit = query.limit ?? ListLimits.defaultPageSize;
    const { rows } = await this.db.query<{ current: boolean; view: InstanceView | null }>({
      name: 'supervision.instancesIfCurrent',
      // The head in the order readers checkpoint by, (transaction id, position): the highest
      // position may belong to an older transaction than an event its caller saw committed.
      text: `WITH head AS (
               SELECT transaction_id, position FROM eventlog.events
               ORDER BY transaction_id DESC, position DESC LIMIT 1
             ),
             status AS (
               SELECT NOT EXISTS (SELECT 1 FROM head) OR EXISTS (
                 SELECT 1 FROM eventlog.checkpoints c, head h
                 WHERE c.name = $8 AND (c.transaction_id, c.position) >= (h.transaction_id, h.position)
               ) AS current
             )
             SELECT status.current, page.view FROM status LEFT JOIN LATERAL (
               SELECT view, id FROM supervision.instances
               WHERE status.current
                 AND ($1::text IS NULL OR service = $1) AND ($2::text IS NULL OR app = $2)
                 AND ($3::text IS NULL OR host = $3)
                 AND (CASE WHEN $4::text IS NULL THEN state = ANY($5) ELSE state = $4 END)
                 AND ($6::text IS NULL OR id > $6 COLLATE "C")
               ORDER BY id COLLATE "C" LIMIT $7
             ) page ON true
             ORDER BY page.id COLLATE "C"`,
      values: [
        query.service ?? null,
        query.app ?? null,
        query.host ?? null,
        query.state ?? null,
        [...liveStates],
        query.after ?? null,
        limit + 1,
        this.checkpoint,
      ],
    });
    if (rows.length === 0 || !rows[0].current) return undefined;
    return pageOf(
      rows.flatMap((r) => (r.view === null ? [] : [instanceSummary(r.view)])),
      limit,
      (i) => i.id,
    );
  }

  async instance(id: string): Promise<InstanceSummary> {
    const { rows } = await this.db.query<{ view: InstanceView }>({
      text: 'SELECT view FROM supervision.instances WHERE id = $1',
      values: [id],
    });
    if (rows.length === 0) throw new FederaError(ErrorCodes.notFound, `instance ${id} not found`);
    return instanceSummary(rows[0].view);
  }

  /** The services with their instances (in request order) and those instances' hosts. */
  private async viewOf(states: readonly ServiceState[]): Promise<SupervisionView> {
    const view = new SupervisionView();
    for (const state of states) view.services.set(state.name, state);
    if (states.length === 0) return view;
    const { rows } = await this.db.query<{ id: string; view: InstanceView }>({
      text: 'SELECT id, view FROM supervision.instances WHERE service = ANY($1) ORDER BY seq',
      values: [states.map((s) => s.name)],
    });
    for (const row of rows) view.instances.set(row.id, row.view);
    const hosts = [...new Set(rows.flatMap((r) => (r.view.host ? [r.view.host] : [])))];
    if (hosts.length > 0) {
      const found = await this.db.query<{ id: string; epoch: number; down: boolean }>({
        text: 'SELECT id, epoch, down FROM supervision.hosts WHERE id = ANY($1)',
        values: [hosts],
      });
      for (const host of found.rows) view.hosts.set(host.id, host);
    }
    return view;
  }
}
