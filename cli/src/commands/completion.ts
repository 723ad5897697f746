import { Argument, Command } from 'commander';
import { completionScript, completionShells, type CompletionShell } from '../shell-completion';

/**
 * `federa completion bash|zsh|fish`: prints the shell's completion script for every command and
 * flag of `program` (the whole `federa` tree, handed in once it is built).
 */
export function completionCommand(program: () => Command): Command {
  return new Command('completion')
    .description('print the completion script of a shell: bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'the shell').choices(completionShells))
    .addHelpText(
      'after',
      `
Install:
  bash  federa completion bash > ~/.local/share/bash-completion/completions/federa
  zsh   federa completion zsh > "\${fpath[1]}/_federa"
  fish  federa completion fish > ~/.config/fish/completions/federa.fish`,
    )
    .action((shell: CompletionShell) => {
      process.stdout.write(completionScript(shell, program()));
    });
}
