import { Command } from 'commander';
import { ErrorCodes, FederaError } from '@federa/contracts';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { renderOutput } from '../render-output';
import { serviceColumns, type ServiceRow } from './get-services';

/** `federa apply -f FILE`: create or update a service from its YAML or JSON spec. */
export function applyCommand(): Command {
  const apply = new Command('apply')
    .description(
      'create or update a service from a spec file (YAML or JSON); every error is listed',
    )
    .requiredOption('-f, --file <file>', 'the spec file')
    .action(
      guarded(async (options: { file: string; api?: string; output?: string }) => {
        const spec = readSpec(options.file);
        const name = (spec as { metadata?: { name?: unknown } }).metadata?.name;
        if (typeof name !== 'string' || name === '') {
          throw new FederaError(ErrorCodes.validation, `invalid spec in ${options.file}`, [
            { path: 'metadata.name', reason: 'must name the service' },
          ]);
        }
        const service = await apiClientOf(options).put<ServiceRow>(
          `/v1/services/${encodeURIComponent(name)}`,
          spec,
        );
        const format = outputOf(options);
        process.stdout.write(`${renderOutput(format, service, [service], serviceColumns)}\n`);
      }),
    );
  return withOutputOption(withApiOption(apply));
}

function readSpec(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new FederaError(
      ErrorCodes.validation,
      `cannot read ${file}: ${(error as Error).message}`,
    );
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new FederaError(
      ErrorCodes.validation,
      `${file} is not valid YAML or JSON`,
      doc.errors.map((e) => ({ path: '', reason: e.message.split('\n')[0] })),
    );
  }
  return doc.toJS();
}
