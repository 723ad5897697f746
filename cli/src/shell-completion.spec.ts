import { spawnSync } from 'node:child_process';
import { buildProgram } from './program';
import { completionNodes, completionScript } from './shell-completion';

/** What bash offers for `federa <words>` with the cursor after the last word. */
function bashCompletes(words: string[]): string[] {
  const script = `${completionScript('bash', buildProgram())}
COMP_WORDS=(federa ${words.map((w) => `'${w}'`).join(' ')})
COMP_CWORD=${words.length}
_federa_completion
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const run = spawnSync('bash', ['--norc', '-c', script], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return run.stdout.split('\n').filter(Boolean);
}

describe('shell completion', () => {
  it('walks every command of the tree with its flags and the choices of -o', () => {
    const nodes = completionNodes(buildProgram());
    const hosts = nodes.find((n) => n.path === 'federa/get/hosts');
    expect(nodes[0].subcommands).toEqual(expect.arrayContaining(['get', 'describe', 'completion']));
    expect(hosts?.flags).toEqual(expect.arrayContaining(['--site', '--context', '-o', '--help']));
    expect(hosts?.valued).toContainEqual({
      flags: ['--output', '-o'],
      choices: ['table', 'wide', 'json', 'yaml', 'name'],
      files: false,
    });
  });

  it('completes commands, subcommands, flags and the values of -o in bash', () => {
    expect(bashCompletes(['ge'])).toEqual(['get']);
    expect(bashCompletes(['get', ''])).toEqual(
      expect.arrayContaining(['services', 'instances', 'hosts', 'migrations']),
    );
    expect(bashCompletes(['get', 'hosts', '--si'])).toEqual(['--site']);
    expect(bashCompletes(['get', 'hosts', '-o', 'y'])).toEqual(['yaml']);
    expect(bashCompletes(['--api', 'http://x', 'describe', 'h'])).toEqual(['host']);
    expect(bashCompletes(['completion', ''])).toEqual(
      expect.arrayContaining(['bash', 'zsh', 'fish']),
    );
  });

  it('offers files in bash after a path flag only, never after --api or --token', () => {
    const bash = completionScript('bash', buildProgram());
    expect(bash).toContain('federa/apply:--file|federa/apply:-f) COMPREPLY=(); return ;;');
    expect(bash).toContain(
      'federa/get/hosts:--api) COMPREPLY=(); compopt +o default 2>/dev/null; return ;;',
    );
    expect(bash).toContain(
      'federa/get/hosts:--token) COMPREPLY=(); compopt +o default 2>/dev/null; return ;;',
    );
  });

  it('writes zsh and fish scripts from the same tree', () => {
    const zsh = completionScript('zsh', buildProgram());
    expect(zsh.startsWith('#compdef federa\n')).toBe(true);
    expect(zsh).toContain('(federa/get/hosts:--output|federa/get/hosts:-o) compadd -- table');
    expect(zsh).toContain('(federa/apply:--file|federa/apply:-f) _files; return ;;');
    expect(zsh).toContain('(federa/get/hosts:--api) return ;;');
    const fish = completionScript('fish', buildProgram());
    expect(fish).toContain("= federa/apply' -l file -s f -r -F");
    expect(fish).toContain("= federa/get/hosts' -l api -x");
    expect(fish).toContain(
      "complete -c federa -n 'test (__federa_command_path) = federa/get' -a 'services instances hosts migrations'",
    );
    expect(fish).toContain(
      "complete -c federa -n 'test (__federa_command_path) = federa/get/hosts' -l output -s o -x -a 'table wide json yaml name'",
    );
  });
});
