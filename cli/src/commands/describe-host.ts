import type { Command } from 'commander';
import {
  formatBandwidth,
  formatBytes,
  formatCpu,
  type EventPage,
  type HostView,
  type InstanceSummary,
  type RecordedEvent,
  type ResourceAmounts,
} from '@federa/contracts';
import type { ApiClient } from '../api-client';
import { renderTable, type Column } from '../render-output';
import { dataField, everyPage, instanceColumns } from './get-services';
import { describeOneCommand } from './describe-one';
import { drainLines } from './drain-progress';

const resourceLine = (
  allocated: ResourceAmounts,
  capacity: ResourceAmounts,
  of: (r: ResourceAmounts) => number,
  show: (n: number) => string,
) => `${show(of(allocated))} of ${show(of(capacity))}`;

/** A host for a reader: its state and why, what it has and what is placed on it, and its drain. */
export function hostLines(host: HostView, more: string[] = []): string[] {
  const state = [
    host.state,
    host.cordoned ? '(cordoned)' : '',
    host.downCause ? `(${host.downCause})` : '',
    host.downDeferredUntil ? `(down deferred until ${host.downDeferredUntil})` : '',
  ].filter(Boolean);
  const use = (of: (r: ResourceAmounts) => number, show: (n: number) => string) =>
    resourceLine(host.allocated, host.capacity, of, show);
  const labels = Object.entries(host.labels).map(([k, v]) => `${k}=${v}`);
  return [
    `Host:      ${host.id}`,
    `Site:      ${host.site}`,
    `State:     ${state.join(' ')}`,
    `Layers:    ${host.layers.join(', ')}`,
    `Security:  ${host.securityLevel}`,
    `Epoch:     ${host.epoch}`,
    `Heartbeat: ${host.lastHeartbeatAt ?? 'none yet'}`,
    ...(labels.length > 0 ? [`Labels:    ${labels.join(', ')}`] : []),
    `Instances: ${host.instances}`,
    `  cpu       ${use((r) => r.cpuMillis, formatCpu)}`,
    `  memory    ${use((r) => r.memoryBytes, formatBytes)}`,
    `  storage   ${use((r) => r.storageBytes, formatBytes)}`,
    `  bandwidth ${use((r) => r.bandwidthBps, formatBandwidth)}`,
    ...drainLines(host.drain),
    ...more,
  ];
}

/** How many of the host's latest events `describe host` shows. */
const historyLength = 10;

/**
 * What `describe host` asks besides the host: the instances on it (every page) and the latest
 * events of its stream, oldest first, each with its time, type, who caused it and why.
 */
export async function hostMoreLines(api: ApiClient, id: string): Promise<string[]> {
  const query = new URLSearchParams({ host: id });
  let instances: InstanceSummary[];
  let history: RecordedEvent[];
  try {
    [instances, history] = await Promise.all([
      everyPage<InstanceSummary>(api, '/v1/instances', query),
      streamEvents(api, `host-${id}`),
    ]);
  } catch (error) {
    // The host itself was read: what could not be read beside it is said, not fatal.
    return [
      '',
      `Instances and history: not available (${error instanceof Error ? error.message : String(error)})`,
    ];
  }
  const onHost = instanceColumns.filter((c) => c.header !== 'HOST');
  return [
    '',
    'Instances:',
    instances.length > 0 ? renderTable(instances, onHost).replace(/^/gm, '  ') : '  none',
    '',
    'History:',
    ...(history.length > 0
      ? renderTable(history.slice(-historyLength), historyColumns).replace(/^/gm, '  ').split('\n')
      : ['  none']),
  ];
}

const historyColumns: Column<RecordedEvent>[] = [
  { header: 'RECORDED', value: (e) => e.recordedAt },
  { header: 'EVENT', value: (e) => e.type },
  { header: 'BY', value: (e) => e.metadata.actor },
  { header: 'WHY', value: (e) => dataField(e, 'reason') ?? dataField(e, 'cause') },
];

/** Every event of one stream, read through the API's `stream` filter to the end. */
async function streamEvents(api: ApiClient, stream: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  let after = 0;
  for (;;) {
    const query = new URLSearchParams({ stream, after: String(after), limit: '1000' });
    const page = await api.get<EventPage>(`/v1/events?${query}`);
    events.push(...page.items);
    if (page.next === after) return events;
    after = page.next;
  }
}

/** `federa describe host ID`. */
export function describeHostCommand(): Command {
  return describeOneCommand<HostView>({
    name: 'host',
    description:
      'a host: state, capacity and allocations, its drain (what is left, what blocks and why), instances, latest events',
    argument: ['<id>', 'the host'],
    path: (id) => `/v1/hosts/${encodeURIComponent(id)}`,
    lines: hostLines,
    more: (id, api) => hostMoreLines(api, id),
  });
}
