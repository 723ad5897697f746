import { Command } from 'commander';
import type { ServiceProbeSummary, ServiceSummary } from '@federa/contracts';
import { renderTable } from '../render-output';
import { describeOneCommand } from './describe-one';
import { instanceColumns } from './get-services';
import { dataLines, describeInstanceCommand } from './describe-instance';
import { describeMigrationCommand } from './migrate';
import { describeHostCommand } from './describe-host';
import { serviceCostLines } from './costs';

/** `GET /checkout/health on web: failed since 2026-…Z (GET /checkout/health answered 503 …)`. */
export function serviceProbeLine(probe: ServiceProbeSummary): string {
  const since = probe.lastAt ? ` since ${probe.lastAt}` : '';
  const why = probe.reason ? ` (${probe.reason})` : '';
  return `GET ${probe.path} on ${probe.application}: ${probe.lastResult}${since}${why}`;
}

/** `federa describe service NAME` (state, each application's health, instances), `instance ID`, `migration ID`, `host ID`. */
export function describeCommand(): Command {
  const describe = new Command('describe').description('show one object in detail');
  describe.addCommand(
    describeOneCommand<ServiceSummary>({
      name: 'service',
      description:
        'a service: state, its end-to-end probe, applications (healthy/desired and why short), instances',
      argument: ['<name>', 'the service'],
      path: (name) => `/v1/services/${encodeURIComponent(name)}`,
      lines: serviceLines,
      more: (name, api) => serviceCostLines(api, name),
    }),
  );
  describe.addCommand(describeInstanceCommand());
  describe.addCommand(describeMigrationCommand());
  describe.addCommand(describeHostCommand());
  return describe;
}

/** A service for a reader: its state, probe and cost, each application's health, its instances. */
function serviceLines(found: ServiceSummary, cost: string[]): string[] {
  const lines = [
    `Service:  ${found.name}`,
    `State:    ${found.state}`,
    `Revision: ${found.revision}`,
    ...(found.probe ? [`Probe:    ${serviceProbeLine(found.probe)}`] : []),
    ...cost,
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
    instances.length > 0 ? renderTable(instances, instanceColumns).replace(/^/gm, '  ') : '  none',
  );
  for (const instance of instances)
    for (const line of dataLines(instance))
      lines.push(`  ${instance.id}: ${line.replace(/^Data:\s+/, 'data ')}`);
  return lines;
}
