import type { Command } from 'commander';
import { endpointText, type InstanceSummary } from '@federa/contracts';
import type { Column } from '../render-output';
import { listCommand, type ListedKind } from './get-list';
import { instanceColumns, streamOf } from './get-services';

/** `address:port`, an IPv6 address in brackets: the one form of @federa/contracts. */
export { endpointText };

/** What `-o wide` adds: when its state began, and where each instance answers (a VM's guest address too, when known). */
export const wideInstanceColumns: Column<InstanceSummary>[] = [
  { header: 'SINCE', value: (i) => i.since },
  { header: 'ENDPOINT', value: (i) => (i.endpoint ? endpointText(i.endpoint) : undefined) },
  { header: 'GUEST ADDRESS', value: (i) => i.endpoint?.guestAddress },
];

/** Instances: each one's own stream. */
export const instancesKind: ListedKind<InstanceSummary> = {
  plural: 'instances',
  singular: 'instance',
  description: 'list instances (live ones unless --state is given); -o wide adds endpoints',
  path: '/v1/instances',
  keyOf: (i) => i.id,
  columns: instanceColumns,
  wide: wideInstanceColumns,
  filters: [
    {
      flag: '--service <name>',
      description: 'only this service',
      query: 'service',
      valueOf: (i) => i.service,
    },
    {
      flag: '--app <name>',
      description: 'only this application',
      query: 'app',
      valueOf: (i) => i.app,
    },
    {
      flag: '--host <id>',
      description: 'only this host',
      query: 'host',
      valueOf: (i) => i.host ?? undefined,
    },
    {
      flag: '--state <state>',
      description: 'only instances in this state',
      query: 'state',
      valueOf: (i) => i.state,
    },
  ],
  touched: (event) => {
    const id = streamOf(event, 'instance');
    return id === undefined ? [] : [id];
  },
};

/** `federa get instances [ID] [--service S] [--app A] [--host H] [--state S]`. */
export function getInstancesCommand(): Command {
  return listCommand(instancesKind);
}
