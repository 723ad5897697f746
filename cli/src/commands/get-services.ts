import { Command } from 'commander';
import { ListLimits, type InstanceSummary, type ServiceSummary } from '@federa/contracts';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import type { ApiClient } from '../api-client';
import { renderOutput, type Column } from '../render-output';

/** `federa get services`: every service with its state and healthy/desired instances per application, fetched page by page. */
export function getServicesCommand(): Command {
  const command = new Command('services').description('list services').action(
    guarded(async (options: { api?: string; output?: string }) => {
      const items = await everyPage<ServiceSummary>(apiClientOf(options), '/v1/services');
      process.stdout.write(
        `${renderOutput(outputOf(options), { items }, items, serviceColumns)}\n`,
      );
    }),
  );
  return withOutputOption(withApiOption(command));
}

/** Every item of a paged list: follows `next` (as `after`) until the last page. */
export async function everyPage<T>(
  api: ApiClient,
  path: string,
  query: URLSearchParams = new URLSearchParams(),
): Promise<T[]> {
  const items: T[] = [];
  let after: string | undefined;
  do {
    const page = new URLSearchParams(query);
    page.set('limit', String(ListLimits.maxPageSize));
    if (after) page.set('after', after);
    const answer = await api.get<{ items: T[]; next?: string }>(`${path}?${page}`);
    items.push(...answer.items);
    after = answer.next;
  } while (after);
  return items;
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
  { header: 'SINCE', value: (i) => i.since },
];
