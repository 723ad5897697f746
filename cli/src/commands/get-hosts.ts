import { Command } from 'commander';
import {
  ListLimits,
  formatBandwidth,
  formatBytes,
  formatCpu,
  type HostPage,
  type HostView,
  type ResourceAmounts,
} from '@federa/contracts';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { renderOutput, type Column } from '../render-output';

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
  { header: 'LAST HEARTBEAT', value: (h) => h.lastHeartbeatAt },
];

/** `-o wide`: the drain, `draining 3 left, 1 blocked` (empty for a host never drained). */
export const hostWideColumns: Column<HostView>[] = [
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

/** `federa get hosts [--site S] [--state S] [-o json]`: every host, fetched page by page. */
export function getHostsCommand(): Command {
  const command = new Command('hosts')
    .description('list hosts: state, allocated/capacity, last heartbeat; -o wide adds the drain')
    .option('--site <site>', 'only hosts of this site')
    .option(
      '--state <state>',
      'only hosts in this state (ready, suspect, down, draining, drained, retired)',
    )
    .action(
      guarded(async (options: { api?: string; output?: string; site?: string; state?: string }) => {
        const api = apiClientOf(options);
        const items: HostView[] = [];
        let after: string | undefined;
        do {
          const query = new URLSearchParams({ limit: String(ListLimits.maxPageSize) });
          if (options.site) query.set('site', options.site);
          if (options.state) query.set('state', options.state);
          if (after) query.set('after', after);
          const page = await api.get<HostPage>(`/v1/hosts?${query}`);
          items.push(...page.items);
          after = page.next;
        } while (after);
        process.stdout.write(
          `${renderOutput(outputOf(options), { items }, items, hostColumns, hostWideColumns)}\n`,
        );
      }),
    );
  return withOutputOption(withApiOption(command));
}
