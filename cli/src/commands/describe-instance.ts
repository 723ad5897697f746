import { Command } from 'commander';
import {
  ErrorCodes,
  FederaError,
  type InstanceSummary,
  type PlacementExplanation,
} from '@federa/contracts';
import type { ApiClient } from '../api-client';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { renderDocument } from '../render-output';
import { endpointText } from './get-instances';
import { explanationLines } from './placement-explanation';

/** `federa describe instance ID`: the instance, where it answers, and why placement put it where it is. */
export function describeInstanceCommand(): Command {
  const command = new Command('instance')
    .description('an instance: state, host, and why placement chose that host (or why none)')
    .argument('<id>', 'the instance id (see federa get instances)')
    .action(
      guarded(async (id: string, options: { api?: string; output?: string }) => {
        const api = apiClientOf(options);
        const path = encodeURIComponent(id);
        const [instance, placement] = await Promise.all([
          api.get<InstanceSummary>(`/v1/instances/${path}`),
          placementOf(api, path),
        ]);
        const format = outputOf(options);
        const document = renderDocument(format, { instance, placement });
        if (document !== undefined || format === 'name') {
          process.stdout.write(`${document ?? instance.id}\n`);
          return;
        }
        const lines = [
          `Instance: ${instance.id}`,
          `Service:  ${instance.service} / ${instance.app}`,
          `Host:     ${instance.host ?? '(not placed)'} (${instance.layer})`,
          `State:    ${instance.state} since ${instance.since}${instance.reason ? ` (${instance.reason})` : ''}`,
          `Endpoint: ${endpointLine(instance)}`,
          ...dataLines(instance),
          '',
          'Placement:',
          ...placementLines(placement).map((line) => `  ${line}`),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
  return withOutputOption(withApiOption(command));
}

/** What a replacement after a host death started from: a copy and its age, or nothing (data lost). */
export function dataLines(instance: InstanceSummary): string[] {
  if (instance.dataLost)
    return ['Data:     started empty: the instance it replaced had no copy (dataLost)'];
  if (instance.dataAgeMs !== undefined)
    return [`Data:     restored from a copy ${Math.round(instance.dataAgeMs / 1000)} s old`];
  return [];
}

/** Where it answers, with a VM's guest address when its layer can tell; none before it runs. */
function endpointLine(instance: InstanceSummary): string {
  const { endpoint } = instance;
  if (!endpoint) return '(none: not running, or its layer exposes no port)';
  const guest = endpoint.guestAddress ? ` (guest address ${endpoint.guestAddress})` : '';
  return `${endpointText(endpoint)}${guest}`;
}

/** What placement answered: its latest decision, none yet, or why it could not be asked. */
type PlacementAnswer = PlacementExplanation | 'none' | { unavailable: string };

/** The latest placement decision about the instance; the instance is still shown when placement is not. */
async function placementOf(api: ApiClient, path: string): Promise<PlacementAnswer> {
  try {
    return await api.get<PlacementExplanation>(`/v1/placements/${path}`);
  } catch (error) {
    if (error instanceof FederaError && error.code === ErrorCodes.notFound) return 'none';
    return { unavailable: error instanceof Error ? error.message : String(error) };
  }
}

function placementLines(placement: PlacementAnswer): string[] {
  if (placement === 'none') return ['no decision recorded yet'];
  if ('unavailable' in placement) return [`placement did not answer: ${placement.unavailable}`];
  return explanationLines(placement);
}
