import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildProgram } from '../cli/src/program';

// docs/reference/cli.md is where users look a command up: every command and option `federa` parses
// must be on it.

const page = readFileSync(join(resolve(__dirname, '..'), 'docs', 'reference', 'cli.md'), 'utf8');

/** Every command that runs something, with its path (`get hosts`) and its long options. */
function leaves(command: Command, path: string[] = []): { path: string; options: string[] }[] {
  const children = command.commands as Command[];
  if (children.length > 0) return children.flatMap((c) => leaves(c, [...path, c.name()]));
  const options = command.options
    .map((option) => option.long)
    .filter((flag): flag is string => flag !== undefined && flag !== '--help');
  return [{ path: path.join(' '), options }];
}

describe('the CLI reference', () => {
  const commands = leaves(buildProgram());

  it('names every command', () => {
    const missing = commands.map((c) => `federa ${c.path}`).filter((name) => !page.includes(name));
    expect(missing).toEqual([]);
  });

  it('names every option of every command', () => {
    const missing = commands.flatMap((c) =>
      c.options.filter((flag) => !page.includes(flag)).map((flag) => `federa ${c.path} ${flag}`),
    );
    expect(missing).toEqual([]);
  });
});
