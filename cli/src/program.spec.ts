import type { Command } from 'commander';
import { buildProgram } from './program';

/** Every command under `command`, with the words that invoke it. */
function allCommands(command: Command, path: string[] = []): [string[], Command][] {
  return command.commands.flatMap((sub) => [
    [[...path, sub.name()], sub] as [string[], Command],
    ...allCommands(sub, [...path, sub.name()]),
  ]);
}

function helpOf(command: Command): string {
  return command.configureHelp({ helpWidth: 80 }).helpInformation();
}

describe('the federa command line', () => {
  const program = buildProgram();

  it('lists every command in `federa --help` with a description on one line', () => {
    const help = helpOf(program);
    const listed = help.slice(help.indexOf('Commands:'), help.indexOf('Getting started:'));
    for (const command of program.commands) {
      const line = listed.split('\n').find((l) => l.trimStart().startsWith(`${command.name()} `));
      expect(line).toBeDefined();
      expect((line as string).length).toBeLessThanOrEqual(80);
      expect(line).toContain(command.summary());
    }
    // no wrapped continuation lines: each line of the list names a command
    expect(listed.split('\n').filter((l) => /^ {10,}\S/.test(l))).toEqual([]);
  });

  it('gives every command and subcommand a description and a help that names its usage', () => {
    for (const [path, command] of allCommands(program)) {
      expect(command.description() || command.summary()).not.toBe('');
      expect(helpOf(command)).toContain(`Usage: federa ${path.join(' ')}`);
    }
  });

  it('offers -o json on every command that prints an answer from the API', () => {
    // `events export` writes a file format of its own (ndjson with a header), not an answer.
    const printing = allCommands(program).filter(
      ([path, command]) =>
        command.commands.length === 0 &&
        command.options.some((o) => o.long === '--api') &&
        path.join(' ') !== 'events export',
    );
    expect(printing.length).toBeGreaterThan(10);
    for (const [path, command] of printing) {
      const output = command.options.find((o) => o.long === '--output');
      expect({ path: path.join(' '), choices: output?.argChoices }).toEqual({
        path: path.join(' '),
        choices: expect.arrayContaining(['json']),
      });
    }
  });
});
