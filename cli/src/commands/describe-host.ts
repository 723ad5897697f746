import type { Command } from 'commander';
import {
  formatBandwidth,
  formatBytes,
  formatCpu,
  type HostView,
  type ResourceAmounts,
} from '@federa/contracts';
import { describeOneCommand } from './describe-one';
import { drainLines } from './drain-progress';

const resourceLine = (
  allocated: ResourceAmounts,
  capacity: ResourceAmounts,
  of: (r: ResourceAmounts) => number,
  show: (n: number) => string,
) => `${show(of(allocated))} of ${show(of(capacity))}`;

/** A host for a reader: its state and why, what it has and what is placed on it, and its drain. */
export function hostLines(host: HostView): string[] {
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
  ];
}

/** `federa describe host ID`. */
export function describeHostCommand(): Command {
  return describeOneCommand<HostView>({
    name: 'host',
    description:
      'a host: state, layers, what is allocated of its capacity, and its drain (what is left, what blocks and why)',
    argument: ['<id>', 'the host'],
    path: (id) => `/v1/hosts/${encodeURIComponent(id)}`,
    lines: hostLines,
  });
}
