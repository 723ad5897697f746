import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostConfig } from '@federa/contracts';
import { eventually } from '@federa/testing';
import { hostKeyPath } from '../services/agent/src/infrastructure/store/host-key-file';
import { hostConfig, repoRoot } from './agent-harness';
import type { InventoryHarness } from './inventory-harness';

/** One line of the agent's JSON log. */
export interface AgentLogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/**
 * The real agent (`federa-agent --config --data-dir`, services/agent/src/main.ts) as a process of
 * its own against a test's inventory, its JSON log kept line by line, so that a test can kill,
 * freeze (SIGSTOP) and resume it, and read what it said.
 */
export class AgentProcess {
  readonly lines: AgentLogLine[] = [];
  private rest = '';
  exited = false;

  private constructor(
    readonly host: string,
    readonly dataDir: string,
    readonly child: ChildProcess,
  ) {
    child.stderr!.on('data', (chunk: Buffer) => this.take(chunk.toString()));
    child.once('exit', () => (this.exited = true));
  }

  /** Starts an agent for `host` on `dataDir` (made if missing), answered at once. */
  static start(
    inv: InventoryHarness,
    host: string,
    dataDir: string,
    heartbeatMs: number,
    config: HostConfig = hostConfig(host),
  ): AgentProcess {
    mkdirSync(dataDir, { recursive: true });
    const configFile = join(dataDir, '..', `${host}-${Date.now()}.yaml`);
    writeFileSync(configFile, JSON.stringify(config));
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'test', 'agent-cli-child.js'), '--config', configFile, '--data-dir', dataDir],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          FEDERA_NATS_URL: inv.config.federa.natsUrl,
          FEDERA_SUBJECT_PREFIX: inv.subjects.prefix,
          FEDERA_HEARTBEAT_MS: String(heartbeatMs),
          FEDERA_LEASE_DIR: inv.leaseDir,
          FEDERA_LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    return new AgentProcess(host, dataDir, child);
  }

  /** The epochs it registered with, in order. */
  get epochs(): number[] {
    return this.lines.filter((l) => l.msg === 'registered').map((l) => l.epoch as number);
  }

  /** Resolves with the epoch of its registration number `n` (1: the first). */
  registered(n = 1, timeoutMs = 30_000): Promise<number> {
    return eventually(
      () => {
        if (this.exited) throw new Error(`agent ${this.host} exited:\n${this.log()}`);
        return this.epochs[n - 1];
      },
      timeoutMs,
      50,
    );
  }

  /** Resolves with the first log line `match` accepts. */
  said(match: (line: AgentLogLine) => boolean, timeoutMs = 30_000): Promise<AgentLogLine> {
    return eventually(() => this.lines.find(match), timeoutMs, 50) as Promise<AgentLogLine>;
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.exited) this.child.kill(signal);
  }

  /** Kills it and waits for its exit; its instances, in their own process groups, live on. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }

  log(): string {
    return this.lines.map((l) => JSON.stringify(l)).join('\n');
  }

  private take(text: string): void {
    const parts = (this.rest + text).split('\n');
    this.rest = parts.pop() ?? '';
    for (const part of parts) {
      try {
        this.lines.push(JSON.parse(part) as AgentLogLine);
      } catch {
        this.lines.push({ level: 50, msg: part });
      }
    }
  }
}

/** The fingerprint inventory records for the host key kept in an agent's data dir. */
export function fingerprintOfDataDir(dataDir: string): string {
  const key = createPublicKey(readFileSync(hostKeyPath(dataDir), 'utf8'));
  const raw = Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url');
  return `sha256:${createHash('sha256').update(raw).digest('base64url')}`;
}
