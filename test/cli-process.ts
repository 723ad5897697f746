import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..');
const federaBin = join(repoRoot, 'bin', 'federa.js');

/** Fails fast with the reason when the CLI has not been built (the test command builds first). */
export function assertCliBuilt(): void {
  const main = join(repoRoot, 'dist', 'cli', 'src', 'main.js');
  if (!existsSync(main))
    throw new Error(`${main} is missing: run npm run build before these tests`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/federa.js ...args` to completion. */
export function runFedera(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [federaBin, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A long-running `federa ...` (such as `up`) whose output is collected as it comes. */
export class FederaProcess {
  readonly child: ChildProcess;
  output = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }) {
    this.child = spawn(process.execPath, [federaBin, ...args], {
      cwd: options.cwd,
      env: { ...options.env, NO_COLOR: '1' },
    });
    this.child.stdout?.on('data', (chunk) => (this.output += chunk));
    this.child.stderr?.on('data', (chunk) => (this.output += chunk));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Ctrl-C, as an operator stops it, if it still runs; resolves once it has exited. */
  async interrupt(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
    await this.exited;
  }
}

/** Every process on the machine now: its pid, parent pid and command line. */
export function everyProcess(): { pid: number; ppid: number; command: string }[] {
  const found: { pid: number; ppid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: the ppid is the 2nd field after it.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      found.push({ pid: Number(entry), ppid, command });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Every process below `pid` (children, grandchildren, ...), read from /proc. */
export function descendantsOf(pid: number): { pid: number; command: string }[] {
  const parents = new Map<number, number[]>();
  const commands = new Map<number, string>();
  for (const process of everyProcess()) {
    parents.set(process.ppid, [...(parents.get(process.ppid) ?? []), process.pid]);
    commands.set(process.pid, process.command);
  }
  const found: { pid: number; command: string }[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of parents.get(queue.shift() as number) ?? []) {
      found.push({ pid: child, command: commands.get(child) ?? '' });
      queue.push(child);
    }
  }
  return found;
}

/** True while a process with this pid exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
