import {
  ErrorCodes,
  FederaError,
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

/**
 * Supervision's answers to `get-service`, `list-services`, `list-instances` and `get-instance`, read
 * from the tables SupervisionProjection keeps in schema `supervision`. Lists are ordered by name or
 * id in byte order (`COLLATE "C"`), the same order `after` pages by.
 */
export class SupervisionReadModel {
  constructor(private readonly db: Queryable) {}

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

  async services(query: ListServicesQuery): Promise<{ items: ServiceSummary[] }> {
    const { rows } = await this.db.query<{ state: ServiceState }>({
      text: `SELECT state FROM supervision.services
             WHERE status NOT IN ('absent', 'deleted')
               AND ($1::text IS NULL OR status = $1)
               AND ($2::text IS NULL OR name > $2 COLLATE "C")
             ORDER BY name COLLATE "C" LIMIT $3`,
      values: [query.state ?? null, query.after ?? null, query.limit ?? 100],
    });
    const states = rows.map((r) => r.state);
    const view = await this.viewOf(states);
    return { items: states.map((s) => serviceSummary(s, view.instancesOf(s.name))) };
  }

  /** Live instances unless a state is asked for, filtered by service, app and host. */
  async instances(query: ListInstancesQuery): Promise<{ items: InstanceSummary[] }> {
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
        query.limit ?? 100,
      ],
    });
    return { items: rows.map((r) => instanceSummary(r.view)) };
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
