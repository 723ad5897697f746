import { Command } from 'commander';
import type { InstanceSummary, ServicePage, ServiceSummary } from '@federa/contracts';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { renderOutput, type Column } from '../render-output';

/** `federa get services`: every service with its state and healthy/desired instances per application. */
export function getServicesCommand(): Command {
  const command = new Command('services').description('list services').action(
    guarded(async (options: { api?: string; output?: string }) => {
      const answer = await apiClientOf(options).get<ServicePage>('/v1/services');
      process.stdout.write(
        `${renderOutput(outputOf(options), answer, answer.items, serviceColumns)}\n`,
      );
    }),
  );
  return withOutputOption(withApiOption(command));
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
