import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** A virsh command printed `error: ...`. */
export class VirshCommandFailed extends Error {
  constructor(
    readonly command: string,
    readonly output: string,
  ) {
    super(`virsh ${command}: ${output.replace(/^error: /gm, '').replace(/\n/g, '; ')}`);
    this.name = 'VirshCommandFailed';
  }
}

interface Queued {
  line: string;
  resolve: (output: string) => void;
  reject: (error: Error) => void;
}

const prompt = /^virsh # .*$/gm;

/**
 * One long-lived interactive `virsh -c URI`: commands are written to its stdin one at a time and
 * each answer is read up to a marker echoed after it. One connection matters because libvirt's
 * `test:///default` driver forgets everything when its connection closes.
 */
export class VirshSession {
  private child?: ChildProcessWithoutNullStreams;
  private readonly queue: Queued[] = [];
  private current?: Queued & { marker: string; timer: NodeJS.Timeout };
  private buffer = '';
  private sequence = 0;

  /** @param commandTimeoutMs how long one command may run before the session is deemed stuck. */
  constructor(
    readonly uri: string,
    private readonly commandTimeoutMs = 60_000,
  ) {}

  /** Runs one virsh command (arguments quoted for virsh) and answers its output; throws VirshCommandFailed. */
  run(...args: string[]): Promise<string> {
    const line = args.map(quote).join(' ');
    return new Promise((resolve, reject) => {
      this.queue.push({ line, resolve, reject });
      this.pump();
    });
  }

  /** Ends the virsh process (and, for the test driver, every domain it held). */
  close(): void {
    if (!this.child) return;
    this.child.stdin.end('quit\n');
    this.child = undefined;
  }

  private ensureChild(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    // stderr joins stdout in one pipe so that an error stays in order with its command's output.
    const child = spawn('sh', ['-c', 'exec virsh -q -c "$FEDERA_VIRSH_URI" 2>&1'], {
      env: { ...process.env, FEDERA_VIRSH_URI: this.uri, LC_ALL: 'C' },
      stdio: ['pipe', 'pipe', 'pipe'],
      // A session of its own: no controlling terminal that a job command (save, restore) could
      // block on, as virsh does when it runs in a background process group.
      detached: true,
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.receive(chunk));
    child.stdin.on('error', () => undefined);
    child.on('exit', () => this.onExit(child));
    child.on('error', () => this.onExit(child));
    this.child = child;
    return child;
  }

  private pump(): void {
    if (this.current || this.queue.length === 0) return;
    const next = this.queue.shift()!;
    // virsh's echo joins its arguments with a space, so the echoed command line never matches.
    const id = ++this.sequence;
    const marker = `__FEDERA DONE_${id}__`;
    // A stuck virsh holds every later command: end it, failing this one and the queued ones.
    const timer = setTimeout(() => {
      const child = this.child;
      next.reject(new Error(`virsh ${next.line}: no answer within ${this.commandTimeoutMs} ms`));
      if (this.current?.marker === marker) this.current = undefined;
      child?.kill('SIGKILL');
    }, this.commandTimeoutMs);
    this.current = { ...next, marker, timer };
    // Command and marker share one line, so nothing of the next exchange waits on stdin while a
    // job (save, restore) runs; virsh runs the part after `;` even when the command fails.
    this.ensureChild().stdin.write(`${next.line} ; echo "__FEDERA" "DONE_${id}__"\n`);
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    const current = this.current;
    if (!current) return;
    const at = this.buffer.indexOf(current.marker);
    if (at < 0) return;
    const output = this.buffer.slice(0, at).replace(prompt, '').trim();
    this.buffer = this.buffer.slice(at + current.marker.length);
    this.current = undefined;
    clearTimeout(current.timer);
    if (/^error: /m.test(output)) current.reject(new VirshCommandFailed(current.line, output));
    else current.resolve(output);
    this.pump();
  }

  private onExit(child: ChildProcessWithoutNullStreams): void {
    if (this.child === child) this.child = undefined;
    if (this.current) clearTimeout(this.current.timer);
    const failed = [...(this.current ? [this.current] : []), ...this.queue.splice(0)];
    this.current = undefined;
    this.buffer = '';
    for (const queued of failed) {
      queued.reject(new Error(`virsh -c ${this.uri} exited while running ${queued.line}`));
    }
  }
}

/** virsh's own shell-like parser: single quotes keep everything but a single quote. */
function quote(arg: string): string {
  if (/[\n']/.test(arg)) throw new Error(`virsh argument contains a quote or newline: ${arg}`);
  return /^[A-Za-z0-9_./:=+-]+$/.test(arg) ? arg : `'${arg}'`;
}
