import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  BusServices,
  Subjects,
  busPermissions,
  formatBusIdentity,
  type BusIdentity,
} from '@federa/contracts';

// docs/security/bus.md shows what each identity may do: the table there is the one busPermissions
// computes, so that the page cannot drift from what federa credentials renders.

const page = readFileSync(join(resolve(__dirname, '..'), 'docs', 'security', 'bus.md'), 'utf8');

/** The permissions table of docs/security/bus.md, for the default prefix. */
function busPermissionsTable(): string {
  const subjects = new Subjects('federa');
  // Placeholders stand for any name: permissions do not check names, `federa credentials` does.
  const identities: BusIdentity[] = [
    ...BusServices.map((name) => ({ kind: 'service' as const, name })),
    { kind: 'agent', name: '<host>' },
    { kind: 'simulator', name: '<name>' },
    { kind: 'reader', name: '<name>' },
  ];
  const list = (subjects?: string[]) =>
    subjects === undefined ? '' : subjects.map((s) => `\`${s}\``).join('<br>');
  const rows = identities.map((identity) => {
    const p = busPermissions(identity, subjects);
    const publish = p.publish.allow !== undefined ? list(p.publish.allow) : 'nothing';
    return `| \`${formatBusIdentity(identity)}\` | ${publish} | ${list(p.subscribe.allow)} | ${p.allow_responses ? 'yes' : 'no'} |`;
  });
  return [
    '| identity | may publish to | may subscribe to | may answer what it receives |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

describe('the bus security page', () => {
  it('shows the permissions busPermissions gives every identity', () => {
    const table = busPermissionsTable();
    if (!page.includes(table))
      throw new Error(`docs/security/bus.md must hold this table, as it is:\n\n${table}\n`);
  });
});
