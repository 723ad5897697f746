import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostConfig } from '@federa/contracts';
import { eventually } from '@federa/testing';
import { hostConfig, killGroup, repoRoot, tempDir } from '../agent-harness';

/** One line of the agent's JSON log. */
export interface AgentLogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** Where a skewed agent connects and renews its lease. */
export interface SkewedAgentBus {
  natsUrl: string;
  prefix: string;
  leaseDir: string;
  heartbeatMs: number;
}

/**
 * The real agent (`federa-agent`, services/agent/src/main.ts) as a process of its own whose wall
 * clock is `skewMs` off (test/faults/clock-skew-preload.js): what it dates (heartbeats' and reports'
 * sentAt, its lease's renewedAt, its registration's signature) is off, its timers are not. Its JSON
 * log is kept line by line; stop() kills it and every instance it started.
 */
export class SkewedAgentProcess {
  readonly lines: AgentLogLine[] = [];
  private rest = '';
  private exited = false;

  private constructor(
    readonly host: string,
    readonly skewMs: number,
    readonly dataDir: string,
    private readonly child: ChildProcess,
  ) {
    child.stderr!.on('data', (chunk: Buffer) => this.take(chunk.toString()));
    child.once('exit', () => (this.exited = true));
  }

  static start(host: string, skewMs: number, bus: SkewedAgentBus): SkewedAgentProcess {
    const dataDir = tempDir(`skewed-${host}`);
    mkdirSync(dataDir, { recursive: true });
    const config = {
      ...hostConfig(host),
      capacity: { cpu: 8, memory: '16Gi', storage: '500Gi', bandwidth: '10Gbps' },
    } as HostConfig;
    const configFile = join(dataDir, 'host.json');
    writeFileSync(configFile, JSON.stringify(config));
    const child = spawn(
      process.execPath,
      [
        '--require',
        join(__dirname, 'clock-skew-preload.js'),
        join(repoRoot, 'test', 'agent-cli-child.js'),
        '--config',
        configFile,
        '--data-dir',
        join(dataDir, 'data'),
      ],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          FEDERA_TEST_CLOCK_SKEW_MS: String(skewMs),
          FEDERA_NATS_URL: bus.natsUrl,
          FEDERA_SUBJECT_PREFIX: bus.prefix,
          FEDERA_HEARTBEAT_MS: String(bus.heartbeatMs),
          FEDERA_LEASE_DIR: bus.leaseDir,
          FEDERA_LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    return new SkewedAgentProcess(host, skewMs, dataDir, child);
  }

  /** Resolves with its first epoch; fails naming its log if it exits first. */
  registered(timeoutMs = 60_000): Promise<number> {
    return eventually(
      () => {
        if (this.exited) throw new Error(`agent ${this.host} exited:\n${this.log()}`);
        return this.lines.find((l) => l.msg === 'registered')?.epoch as number | undefined;
      },
      timeoutMs,
      100,
    ) as Promise<number>;
  }

  /** Resolves with the first log line `match` accepts. */
  said(match: (line: AgentLogLine) => boolean, timeoutMs = 60_000): Promise<AgentLogLine> {
    return eventually(() => this.lines.find(match), timeoutMs, 100) as Promise<AgentLogLine>;
  }

  log(): string {
    return this.lines.map((l) => JSON.stringify(l)).join('\n');
  }

  /** Kills the agent, then every instance process it started, then removes its data. */
  async stop(): Promise<void> {
    if (!this.exited) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGKILL');
      await exited;
    }
    for (const pid of this.instancePids()) killGroup(pid);
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private instancePids(): number[] {
    try {
      const table = JSON.parse(readFileSync(join(this.dataDir, 'data', 'instances.json'), 'utf8'));
      return (table.instances as { handle?: { pid: number } }[])
        .map((row) => row.handle?.pid)
        .filter((pid): pid is number => pid !== undefined);
    } catch {
      return [];
    }
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
