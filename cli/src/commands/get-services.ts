import { Command } from 'commander';
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
      const answer = await apiClientOf(options).get<{ items: ServiceRow[] }>('/v1/services');
      process.stdout.write(
        `${renderOutput(outputOf(options), answer, answer.items, serviceColumns)}\n`,
      );
    }),
  );
  return withOutputOption(withApiOption(command));
}

/** A service as `GET /v1/services` answers it (the fields the CLI shows). */
export interface ServiceRow {
  name: string;
  state: string;
  revision: number;
  applications: {
    name: string;
    desired: number;
    healthy: number;
    min: number;
    max: number;
    reason?: string;
    instances: InstanceRow[];
  }[];
}

/** An instance as `GET /v1/instances` answers it. */
export interface InstanceRow {
  id: string;
  service: string;
  app: string;
  host: string | null;
  layer: string;
  state: string;
  since: string;
  reason?: string;
}

export const serviceColumns: Column<ServiceRow>[] = [
  { header: 'NAME', value: (s) => s.name },
  { header: 'STATE', value: (s) => s.state },
  { header: 'REVISION', value: (s) => s.revision },
  {
    header: 'APPLICATIONS',
    value: (s) => s.applications.map((a) => `${a.name} ${a.healthy}/${a.desired}`).join(', '),
  },
];

export const instanceColumns: Column<InstanceRow>[] = [
  { header: 'ID', value: (i) => i.id },
  { header: 'SERVICE', value: (i) => i.service },
  { header: 'APP', value: (i) => i.app },
  { header: 'HOST', value: (i) => i.host },
  { header: 'LAYER', value: (i) => i.layer },
  { header: 'STATE', value: (i) => i.state },
  { header: 'SINCE', value: (i) => i.since },
];
