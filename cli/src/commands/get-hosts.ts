import type { Command } from 'commander';
import {
  formatBandwidth,
  formatBytes,
  formatCpu,
  type HostView,
  type ResourceAmounts,
} from '@federa/contracts';
import { ageOf } from '../age';
import type { Column } from '../render-output';
import { listCommand, type ListedKind } from './get-list';
import { dataField, streamOf } from './get-services';

const used = (h: HostView, of: (r: ResourceAmounts) => number, show: (n: number) => string) =>
  `${show(of(h.allocated))}/${show(of(h.capacity))}`;

export const hostColumns: Column<HostView>[] = [
  { header: 'HOST', value: (h) => h.id },
  { header: 'SITE', value: (h) => h.site },
  {
    header: 'STATE',
    value: (h) =>
      [
        h.state,
        h.cordoned ? 'cordoned' : '',
        h.downCause ? `(${h.downCause})` : '',
        h.downDeferredUntil ? '(down deferred)' : '',
      ]
        .filter(Boolean)
        .join(' '),
  },
  { header: 'LAYERS', value: (h) => h.layers.join(',') },
  { header: 'CPU', value: (h) => used(h, (r) => r.cpuMillis, formatCpu) },
  { header: 'MEMORY', value: (h) => used(h, (r) => r.memoryBytes, formatBytes) },
  { header: 'STORAGE', value: (h) => used(h, (r) => r.storageBytes, formatBytes) },
  { header: 'BANDWIDTH', value: (h) => used(h, (r) => r.bandwidthBps, formatBandwidth) },
  { header: 'SEC', value: (h) => h.securityLevel },
  { header: 'EPOCH', value: (h) => h.epoch },
  { header: 'HEARTBEAT', value: (h) => ageOf(h.lastHeartbeatAt) },
];

/** `-o wide`: the last heartbeat's time, and the drain, `draining 3 left 1 blocked` (empty for a host never drained). */
export const hostWideColumns: Column<HostView>[] = [
  { header: 'LAST HEARTBEAT', value: (h) => h.lastHeartbeatAt },
  {
    header: 'DRAIN',
    value: (h) =>
      h.drain &&
      [
        h.drain.state,
        h.drain.remaining.length > 0 ? `${h.drain.remaining.length} left` : '',
        h.drain.blocked.length > 0 ? `${h.drain.blocked.length} blocked` : '',
        h.drain.replaceWith ? `→ ${h.drain.replaceWith}` : '',
      ]
        .filter(Boolean)
        .join(' '),
  },
];

/** Hosts: a host's own stream, its capacity ledger, and every event naming it (placements, moves). */
export const hostsKind: ListedKind<HostView> = {
  plural: 'hosts',
  singular: 'host',
  description: 'list hosts: state, allocated/capacity, heartbeat age; -o wide adds the drain',
  path: '/v1/hosts',
  keyOf: (h) => h.id,
  columns: hostColumns,
  wide: hostWideColumns,
  filters: [
    {
      flag: '--site <site>',
      description: 'only hosts of this site',
      query: 'site',
      valueOf: (h) => h.site,
    },
    {
      flag: '--state <state>',
      description: 'only hosts in this state (ready, suspect, down, draining, drained, retired)',
      query: 'state',
      valueOf: (h) => h.state,
    },
  ],
  touched: (event) => {
    const host =
      streamOf(event, 'host') ?? streamOf(event, 'allocation') ?? dataField(event, 'host');
    return host === undefined ? [] : [host];
  },
};

/** `federa get hosts [ID] [--site S] [--state S]`: every host, fetched page by page. */
export function getHostsCommand(): Command {
  return listCommand(hostsKind);
}
