import type { InstanceSummary } from '@federa/contracts';
import type { InstanceView } from './instance-view';

/** What the API shows of an instance (lists, a service's applications, `GET /v1/instances/:id`). */
export function instanceSummary(instance: InstanceView): InstanceSummary {
  return {
    id: instance.id,
    service: instance.service,
    app: instance.app,
    host: instance.host ?? null,
    layer: instance.layer,
    state: instance.state,
    since: instance.since,
    revision: instance.revision,
    ...(instance.reason ? { reason: instance.reason } : {}),
    ...(instance.endpoint ? { endpoint: instance.endpoint } : {}),
    ...(instance.generation ? { generation: instance.generation } : {}),
    ...(instance.dataAgeMs !== undefined ? { dataAgeMs: instance.dataAgeMs } : {}),
    ...(instance.dataLost ? { dataLost: true } : {}),
  };
}
