import type { Command } from 'commander';
import type { InstanceSummary, RecordedEvent, ServiceSummary } from '@federa/contracts';
import type { ApiClient } from '../api-client';
import { ageOf } from '../age';
import type { Column } from '../render-output';
import { listCommand, listPages, type ListedKind } from './get-list';

/** The `data.<field>` of an event when it is a string: which service, host or instance it names. */
export function dataField(event: RecordedEvent, field: string): string | undefined {
  const data = event.data as Record<string, unknown> | null;
  const value = typeof data === 'object' && data !== null ? data[field] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The id of a `<category>-<id>` stream when it is of `category`. */
export function streamOf(event: RecordedEvent, category: string): string | undefined {
  return event.streamId.startsWith(`${category}-`)
    ? event.streamId.slice(category.length + 1)
    : undefined;
}

export const serviceColumns: Column<ServiceSummary>[] = [
  { header: 'NAME', value: (s) => s.name },
  { header: 'STATE', value: (s) => s.state },
  { header: 'REVISION', value: (s) => s.revision },
  {
    header: 'APPLICATIONS',
    value: (s) => s.applications.map((a) => `${a.name} ${a.healthy}/${a.desired}`).join(', '),
  },
];

export const instanceColumns: Column<InstanceSummary>[] = [
  { header: 'ID', value: (i) => i.id },
  { header: 'SERVICE', value: (i) => i.service },
  { header: 'APP', value: (i) => i.app },
  { header: 'HOST', value: (i) => i.host },
  { header: 'LAYER', value: (i) => i.layer },
  { header: 'STATE', value: (i) => i.state },
  { header: 'AGE', value: (i) => ageOf(i.since) },
];

/** Services: a service's own events, and its instances' (they change its healthy counts). */
export const servicesKind: ListedKind<ServiceSummary> = {
  plural: 'services',
  singular: 'service',
  description: 'list services: state, revision, healthy/desired instances per application',
  path: '/v1/services',
  keyOf: (s) => s.name,
  columns: serviceColumns,
  touched: (event) => {
    const name = streamOf(event, 'service') ?? dataField(event, 'service');
    return name === undefined ? [] : [name];
  },
};

/** `federa get services [NAME]`: every service, page by page, or one. */
export function getServicesCommand(): Command {
  return listCommand(servicesKind);
}

/** Every item of a paged list: follows `next` (as `after`) until the last page. */
export async function everyPage<T>(
  api: ApiClient,
  path: string,
  query: URLSearchParams = new URLSearchParams(),
): Promise<T[]> {
  return (await listPages<T>(api, path, query)).items;
}
