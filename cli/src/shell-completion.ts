import type { Command, Option } from 'commander';

/** The shells `federa completion` writes a script for. */
export const completionShells = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof completionShells)[number];

/**
 * One command of the tree as completion sees it: its path (`federa/get/hosts`), the words that may
 * follow (subcommands, flags) and the values of flags with a fixed set of them (`-o` formats).
 */
export interface CompletionNode {
  path: string;
  subcommands: string[];
  flags: string[];
  /** Flags that take a value: none is offered after them, but their choices when they have some. */
  valued: { flags: string[]; choices: string[]; files: boolean }[];
}

/** The flags whose value is a path: files are offered after these, and after no other flag. */
const pathFlags: ReadonlySet<string> = new Set([
  '--file',
  '--dir',
  '--config',
  '--data-dir',
  '--credentials',
]);

/** Every command of `program`, depth first, root (`federa`) first. */
export function completionNodes(program: Command, path = program.name()): CompletionNode[] {
  const children = program.commands as Command[];
  const options = [...(program.options as Option[])];
  const flags = options.flatMap((o) => [o.long, o.short]).filter(isFlag);
  // A first argument with a fixed set of values (`completion <shell>`) is offered like a subcommand.
  const argumentChoices = program.registeredArguments[0]?.argChoices ?? [];
  const node: CompletionNode = {
    path,
    subcommands: [...children.map((c) => c.name()), ...argumentChoices],
    flags: [...flags, '--help'],
    valued: options
      .filter((o) => o.required || o.optional)
      .map((o) => ({
        flags: [o.long, o.short].filter(isFlag),
        choices: o.argChoices ?? [],
        files: pathFlags.has(o.long ?? ''),
      })),
  };
  return [node, ...children.flatMap((c) => completionNodes(c, `${path}/${c.name()}`))];
}

/** The completion script of `shell` for the command tree of `program`. */
export function completionScript(shell: CompletionShell, program: Command): string {
  const nodes = completionNodes(program);
  const name = program.name();
  if (shell === 'bash') return bashScript(name, nodes);
  if (shell === 'zsh') return zshScript(name, nodes);
  return fishScript(name, nodes);
}

function isFlag(flag: string | undefined): flag is string {
  return flag !== undefined;
}

/** The command paths a word may extend, as `case` patterns: `federa/get|federa/get/hosts|…`. */
function pathPatterns(nodes: CompletionNode[]): string {
  return nodes
    .slice(1)
    .map((n) => n.path)
    .join('|');
}

/** Flags that take a value, as `path:flag` patterns, with the values to offer after them. */
function valuedCases(
  nodes: CompletionNode[],
): { patterns: string; choices: string[]; files: boolean }[] {
  return nodes.flatMap((n) =>
    n.valued.map((v) => ({
      patterns: v.flags.map((f) => `${n.path}:${f}`).join('|'),
      choices: v.choices,
      files: v.files,
    })),
  );
}

function bashScript(name: string, nodes: CompletionNode[]): string {
  const fn = `_${name}_completion`;
  return [
    `# bash completion for ${name}: source it, or save it as`,
    `# ~/.local/share/bash-completion/completions/${name}`,
    `${fn}() {`,
    `  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmdpath=${name} i`,
    `  for ((i = 1; i < COMP_CWORD; i++)); do`,
    `    case "$cmdpath/\${COMP_WORDS[i]}" in`,
    `      ${pathPatterns(nodes)}) cmdpath="$cmdpath/\${COMP_WORDS[i]}" ;;`,
    `    esac`,
    `  done`,
    `  case "$cmdpath:$prev" in`,
    // `complete -o default` offers files when COMPREPLY is empty: only path flags keep that.
    ...valuedCases(nodes).map((c) =>
      c.choices.length > 0
        ? `    ${c.patterns}) COMPREPLY=($(compgen -W "${c.choices.join(' ')}" -- "$cur")); return ;;`
        : `    ${c.patterns}) COMPREPLY=()${c.files ? '' : '; compopt +o default 2>/dev/null'}; return ;;`,
    ),
    `  esac`,
    `  local candidates=""`,
    `  case "$cmdpath" in`,
    ...nodes.map(
      (n) => `    ${n.path}) candidates="${[...n.subcommands, ...n.flags].join(' ')}" ;;`,
    ),
    `  esac`,
    `  COMPREPLY=($(compgen -W "$candidates" -- "$cur"))`,
    `}`,
    `complete -o default -F ${fn} ${name}`,
    '',
  ].join('\n');
}

function zshScript(name: string, nodes: CompletionNode[]): string {
  const fn = `_${name}`;
  return [
    `#compdef ${name}`,
    `# zsh completion for ${name}: save it as _${name} in a directory of $fpath, or source it`,
    `${fn}() {`,
    `  local cmdpath=${name} prev=\${words[CURRENT-1]} candidates="" i`,
    `  for ((i = 2; i < CURRENT; i++)); do`,
    `    case "$cmdpath/\${words[i]}" in`,
    `      (${pathPatterns(nodes)}) cmdpath="$cmdpath/\${words[i]}" ;;`,
    `    esac`,
    `  done`,
    `  case "$cmdpath:$prev" in`,
    ...valuedCases(nodes).map((c) =>
      c.choices.length > 0
        ? `    (${c.patterns}) compadd -- ${c.choices.join(' ')}; return ;;`
        : `    (${c.patterns}) ${c.files ? '_files; ' : ''}return ;;`,
    ),
    `  esac`,
    `  case "$cmdpath" in`,
    ...nodes.map(
      (n) => `    (${n.path}) candidates="${[...n.subcommands, ...n.flags].join(' ')}" ;;`,
    ),
    `  esac`,
    `  compadd -- \${=candidates}`,
    `}`,
    `if [[ $zsh_eval_context[-1] == loadautoload ]]; then ${fn} "$@"; else compdef ${fn} ${name}; fi`,
    '',
  ].join('\n');
}

function fishScript(name: string, nodes: CompletionNode[]): string {
  const fn = `__${name}_command_path`;
  const lines = [
    `# fish completion for ${name}: save it as ~/.config/fish/completions/${name}.fish`,
    `function ${fn}`,
    `    set -l cmdpath ${name}`,
    `    for word in (commandline -opc)[2..-1]`,
    `        switch "$cmdpath/$word"`,
    `            case ${nodes
      .slice(1)
      .map((n) => `'${n.path}'`)
      .join(' ')}`,
    `                set cmdpath "$cmdpath/$word"`,
    `        end`,
    `    end`,
    `    echo $cmdpath`,
    `end`,
    `complete -c ${name} -f`,
  ];
  for (const node of nodes) {
    const when = `-n 'test (${fn}) = ${node.path}'`;
    if (node.subcommands.length > 0)
      lines.push(`complete -c ${name} ${when} -a '${node.subcommands.join(' ')}'`);
    const valued = new Set(node.valued.flatMap((v) => v.flags));
    for (const flag of node.flags) {
      if (valued.has(flag)) continue;
      lines.push(`complete -c ${name} ${when} ${fishFlag(flag)}`);
    }
    for (const v of node.valued) {
      const spec = v.flags.map(fishFlag).join(' ');
      lines.push(
        v.choices.length > 0
          ? `complete -c ${name} ${when} ${spec} -x -a '${v.choices.join(' ')}'`
          : `complete -c ${name} ${when} ${spec} ${v.files ? '-r -F' : '-x'}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function fishFlag(flag: string): string {
  return flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`;
}
