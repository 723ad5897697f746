import { Command } from 'commander';
import type { ServiceProbeSummary, ServiceSummary } from '@federa/contracts';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { renderTable } from '../render-output';
import { instanceColumns } from './get-services';
import { dataLines, describeInstanceCommand } from './describe-instance';
import { describeMigrationCommand } from './migrate';

/** `GET /checkout/health on web: failed since 2026-…Z (GET /checkout/health answered 503 …)`. */
export function serviceProbeLine(probe: ServiceProbeSummary): string {
  const since = probe.lastAt ? ` since ${probe.lastAt}` : '';
  const why = probe.reason ? ` (${probe.reason})` : '';
  return `GET ${probe.path} on ${probe.application}: ${probe.lastResult}${since}${why}`;
}

/** `federa describe service NAME` (state, each application's health, instances) and `describe instance ID`. */
export function describeCommand(): Command {
  const describe = new Command('describe').description('show one object in detail');
  const service = new Command('service')
    .description(
      'a service: state, its end-to-end probe, applications (healthy/desired and why short), instances',
    )
    .argument('<name>', 'the service')
    .action(
      guarded(async (name: string, options: { api?: string; output?: string }) => {
        const found = await apiClientOf(options).get<ServiceSummary>(
          `/v1/services/${encodeURIComponent(name)}`,
        );
        if (outputOf(options) === 'json') {
          process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
          return;
        }
        const lines = [
          `Service:  ${found.name}`,
          `State:    ${found.state}`,
          `Revision: ${found.revision}`,
          ...(found.probe ? [`Probe:    ${serviceProbeLine(found.probe)}`] : []),
          '',
          'Applications:',
        ];
        for (const app of found.applications) {
          const why = app.reason ? `  (${app.reason})` : '';
          lines.push(
            `  ${app.name}: ${app.healthy}/${app.desired} healthy, replicas ${app.min}..${app.max}${why}`,
          );
        }
        const instances = found.applications.flatMap((a) => a.instances);
        lines.push(
          '',
          'Instances:',
          instances.length > 0
            ? renderTable(instances, instanceColumns).replace(/^/gm, '  ')
            : '  none',
        );
        for (const instance of instances)
          for (const line of dataLines(instance))
            lines.push(`  ${instance.id}: ${line.replace(/^Data:\s+/, 'data ')}`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
  describe.addCommand(withOutputOption(withApiOption(service)));
  describe.addCommand(describeInstanceCommand());
  describe.addCommand(describeMigrationCommand());
  return describe;
}
