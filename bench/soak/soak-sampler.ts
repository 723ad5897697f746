import type { Client } from 'pg';
import { readProcess, tcpRemotePorts, type ProcessReading } from './proc-reading';

/** One look at the plane every ~10 s. */
export interface SoakSample {
  atMs: number;
  /** Each process of the plane, by name (services, the simulating agent, the real agents). */
  processes: Record<string, ProcessReading>;
  /** Postgres sessions on the soak's database, by application_name (the sampler's own left out). */
  postgresSessions: Record<string, number>;
  eventRows: number;
  eventBytes: number;
  /** NATS connections as the server's monitoring endpoint counts them; null when it cannot be read. */
  natsServerConnections: number | null;
}

/** Samples the plane's processes, Postgres sessions, event log and NATS connections every `everyMs`. */
export class SoakSampler {
  readonly samples: SoakSample[] = [];
  /** Why natsServerConnections is null, when it is. */
  natsMonitorProblem: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Client,
    private readonly processes: () => { name: string; pid: number | undefined; alive: boolean }[],
    private readonly ports: { nats: number; postgres: number },
    /** The NATS server's monitoring endpoint (`/connz`), if any. */
    private readonly natsMonitorUrl: string | undefined,
  ) {}

  start(everyMs: number): void {
    this.timer = setInterval(() => {
      this.busy = this.busy.then(async () => void (await this.sampleNow())).catch(() => undefined);
    }, everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.busy;
  }

  async sampleNow(): Promise<SoakSample> {
    const remotePorts = tcpRemotePorts();
    const processes: Record<string, ProcessReading> = {};
    for (const p of this.processes())
      if (p.pid !== undefined && p.alive)
        processes[p.name] = readProcess(p.pid, remotePorts, [this.ports.nats, this.ports.postgres]);
    const sessions = await this.db.query<{ app: string; n: number }>(
      `SELECT coalesce(nullif(application_name, ''), '(none)') AS app, count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY 1`,
    );
    const log = await this.db.query<{ n: string; bytes: string }>(
      `SELECT count(*)::bigint AS n, pg_total_relation_size('eventlog.events')::bigint AS bytes FROM eventlog.events`,
    );
    const sample: SoakSample = {
      atMs: Date.now(),
      processes,
      postgresSessions: Object.fromEntries(sessions.rows.map((r) => [r.app, r.n])),
      eventRows: Number(log.rows[0].n),
      eventBytes: Number(log.rows[0].bytes),
      natsServerConnections: await this.natsConnections(),
    };
    this.samples.push(sample);
    return sample;
  }

  private async natsConnections(): Promise<number | null> {
    if (!this.natsMonitorUrl) {
      this.natsMonitorProblem ??=
        'no NATS monitoring endpoint given (FEDERA_SOAK_NATS_MONITOR_URL)';
      return null;
    }
    try {
      const response = await fetch(`${this.natsMonitorUrl}/varz`, {
        signal: AbortSignal.timeout(2000),
      });
      const varz = (await response.json()) as { connections?: number };
      return varz.connections ?? null;
    } catch (error) {
      this.natsMonitorProblem = `the NATS monitoring endpoint ${this.natsMonitorUrl} did not answer (${String((error as Error).cause ?? error)}); per-process connections to NATS are counted from /proc instead`;
      return null;
    }
  }
}
