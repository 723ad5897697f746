import { Command, Option } from 'commander';
import { ApiRoles, type ApiTokenView, type CreatedApiToken } from '@federa/contracts';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { renderDocument, renderOutput, type Column } from '../render-output';
import { everyPage } from './get-services';
import { durationFlag, formatDuration } from '../duration-flag';
import { UsageError } from '../exit-code';

/** The gateway's longest token lifetime (3650 days), checked here first to name the flag. */
const maxLifetimeMs = 3650 * 86_400_000;

/**
 * `--expires` as the gateway's `expiresIn` (whole seconds, minutes, hours or days), or a usage error
 * naming `--expires`: the gateway would refuse `1500ms` naming a field the user never typed.
 */
export function expiresInOf(text: string): string {
  const ms = durationFlag('--expires', text, { minMs: 1000, maxMs: maxLifetimeMs });
  if (ms % 1000 !== 0)
    throw new UsageError('--expires', `must be whole seconds (like 90s or 2m30s), got ${text}`);
  return formatDuration(ms);
}

const columns: Column<ApiTokenView>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name },
  { header: 'ROLE', value: (t) => t.role },
  { header: 'CREATED', value: (t) => t.createdAt },
  { header: 'REVOKED', value: (t) => t.revokedAt },
  { header: 'EXPIRES', value: (t) => t.expiresAt },
];

/** `federa token create|list|revoke`: API tokens with a role (admin only). */
export function tokenCommand(): Command {
  const token = new Command('token').description('manage API tokens (needs an admin token)');

  const create = new Command('create')
    .description('create a token with a role; its secret is printed once')
    .addOption(
      new Option('--role <role>', 'what the token may do').choices(ApiRoles).makeOptionMandatory(),
    )
    .option('--name <name>', 'a name to recognise it by (letters, digits, . _ -)')
    .option(
      '--expires <duration>',
      'refuse the token this long after now (90s, 12h, 30d, up to 3650d); default: never',
    )
    .action(
      guarded(
        async (options: {
          role: string;
          name?: string;
          expires?: string;
          api?: string;
          output?: string;
        }) => {
          const expiresIn =
            options.expires === undefined ? undefined : expiresInOf(options.expires);
          const created = await apiClientOf(options).post<CreatedApiToken>('/v1/tokens', {
            role: options.role,
            ...(options.name === undefined ? {} : { name: options.name }),
            ...(expiresIn === undefined ? {} : { expiresIn }),
          });
          const format = outputOf(options);
          const withSecret = [
            ...columns.slice(0, 3),
            { header: 'EXPIRES', value: (t: CreatedApiToken) => t.expiresAt },
            { header: 'TOKEN', value: (t: CreatedApiToken) => t.token },
          ];
          process.stdout.write(`${renderOutput(format, created, [created], withSecret)}\n`);
          if (format === 'table')
            process.stderr.write('Keep the token now: it is not shown again.\n');
        },
      ),
    );

  const list = new Command('list').description('list tokens (never their secrets)').action(
    guarded(async (options: { api?: string; output?: string }) => {
      const items = await everyPage<ApiTokenView>(apiClientOf(options), '/v1/tokens');
      process.stdout.write(`${renderOutput(outputOf(options), { items }, items, columns)}\n`);
    }),
  );

  const revoke = new Command('revoke')
    .description('revoke a token by its id')
    .argument('<id>', 'the token id (from `federa token list`)')
    .action(
      guarded(async (id: string, options: { api?: string; output?: string }) => {
        await apiClientOf(options).delete(`/v1/tokens/${encodeURIComponent(id)}`);
        const format = outputOf(options);
        process.stdout.write(
          `${renderDocument(format, { id, revoked: true }) ?? `revoked ${id}`}\n`,
        );
      }),
    );

  for (const sub of [create, list, revoke]) token.addCommand(withOutputOption(withApiOption(sub)));
  return token;
}
