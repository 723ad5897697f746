import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@federa/testing';

const binDir = '/usr/lib/postgresql/15/bin';

/** Why a throwaway cluster cannot be made here, or undefined when it can. */
export function throwawayPostgresUnavailable(): string | undefined {
  return existsSync(join(binDir, 'initdb')) ? undefined : `${binDir}/initdb is not installed`;
}

/**
 * A PostgreSQL cluster of a test's own (initdb + pg_ctl on a free port in a temp dir), which the
 * test may stop and start again without touching the shared server. Runs as `postgres` under root.
 */
export class ThrowawayPostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** `configure`: edits the new cluster's data directory (postgresql.conf, pg_hba.conf) before its first start. */
  static async start(
    options: { configure?: (dataDir: string) => void } = {},
  ): Promise<ThrowawayPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'federa-pg-'));
    chmodSync(dir, 0o755);
    const cluster = new ThrowawayPostgres(dir, await freePort());
    if (userInfo().uid === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
      chownSync(dir, uid, gid);
    }
    try {
      cluster.run('initdb', [
        '-D',
        cluster.dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '-E',
        'UTF8',
      ]);
      options.configure?.(cluster.dataDir);
      cluster.startServer();
    } catch (error) {
      // The caller never gets the cluster to dispose of: a server started before `-w` gave up, and
      // the directory, are removed here.
      cluster.dispose();
      throw error;
    }
    return cluster;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** URL of a database on this cluster (`postgres` by default). */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  stop(): void {
    this.run('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
  }

  restart(): void {
    this.startServer();
  }

  /** Stops the server (fast, else immediate, else its postmaster killed) and removes its directory. */
  dispose(): void {
    try {
      this.stop();
    } catch {
      // Already stopped, never started, or not stopping: its postmaster must not outlive the directory.
      try {
        this.run('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', '-t', '10', 'stop']);
      } catch {
        const pidFile = join(this.dataDir, 'postmaster.pid');
        const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : 0;
        if (pid > 0)
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone already
          }
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private startServer(): void {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir}`;
    this.run('pg_ctl', [
      '-D',
      this.dataDir,
      '-o',
      options,
      '-l',
      join(this.dir, 'log'),
      '-w',
      'start',
    ]);
  }

  private run(tool: string, args: string[]): void {
    const command = join(binDir, tool);
    if (userInfo().uid === 0) {
      execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' });
    } else {
      execFileSync(command, args, { stdio: 'pipe' });
    }
  }
}
