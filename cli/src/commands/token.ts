import { Command, Option } from 'commander';
import {
  ApiRoles,
  type ApiTokenPage,
  type ApiTokenView,
  type CreatedApiToken,
} from '@federa/contracts';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { renderOutput, type Column } from '../render-output';

const columns: Column<ApiTokenView>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name },
  { header: 'ROLE', value: (t) => t.role },
  { header: 'CREATED', value: (t) => t.createdAt },
  { header: 'REVOKED', value: (t) => t.revokedAt },
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
    .action(
      guarded(async (options: { role: string; name?: string; api?: string; output?: string }) => {
        const created = await apiClientOf(options).post<CreatedApiToken>('/v1/tokens', {
          role: options.role,
          ...(options.name === undefined ? {} : { name: options.name }),
        });
        const format = outputOf(options);
        const withSecret = [
          ...columns.slice(0, 3),
          { header: 'TOKEN', value: (t: CreatedApiToken) => t.token },
        ];
        process.stdout.write(`${renderOutput(format, created, [created], withSecret)}\n`);
        if (format === 'table')
          process.stderr.write('Keep the token now: it is not shown again.\n');
      }),
    );

  const list = new Command('list').description('list tokens (never their secrets)').action(
    guarded(async (options: { api?: string; output?: string }) => {
      const answer = await apiClientOf(options).get<ApiTokenPage>('/v1/tokens');
      process.stdout.write(`${renderOutput(outputOf(options), answer, answer.items, columns)}\n`);
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
          format === 'json' ? `${JSON.stringify({ id, revoked: true })}\n` : `revoked ${id}\n`,
        );
      }),
    );

  for (const sub of [create, list, revoke]) token.addCommand(withOutputOption(withApiOption(sub)));
  return token;
}
