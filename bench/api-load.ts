// The API benchmark's load generator, in a process of its own (bench/api.ts forks it) so that its
// work never shares an event loop with what it measures. Open loop: request n leaves at
// start + n / rate whether or not the earlier ones were answered, and its latency counts from that
// planned instant, so a server that falls behind shows its queue instead of slowing the client down
// (a closed loop would hide it: coordinated omission).
import { Agent, request } from 'node:http';

/** One run, sent by the parent over IPC. */
export interface LoadJob {
  url: string;
  token?: string;
  ratePerS: number;
  durationMs: number;
  /** A request unanswered this long counts as failed with this latency. */
  timeoutMs: number;
}

export interface LoadResult {
  sent: number;
  /** Answers by status; `error` for timeouts and connection failures. */
  statuses: Record<string, number>;
  /** Latency percentiles of every answer (any status), milliseconds. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Same, of the 200s only. */
  okP99Ms: number;
  /** CPU of this process over wall time during the run (1 = one core): above ~0.8 it is the limit. */
  cpuShare: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1024 });

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function run(job: LoadJob): Promise<LoadResult> {
  const target = new URL(job.url);
  const headers: Record<string, string> = job.token ? { authorization: `Bearer ${job.token}` } : {};
  const total = Math.max(1, Math.round((job.ratePerS * job.durationMs) / 1000));
  const intervalMs = 1000 / job.ratePerS;
  const all: number[] = [];
  const ok: number[] = [];
  const statuses: Record<string, number> = {};
  let sent = 0;
  let done = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  return new Promise((resolve) => {
    const finish = (planned: number, status: string) => {
      const latency = performance.now() - planned;
      all.push(latency);
      if (status === '200') ok.push(latency);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (++done < total) return;
      const wallMs = performance.now() - start;
      const cpu = process.cpuUsage(cpuStart);
      all.sort((a, b) => a - b);
      ok.sort((a, b) => a - b);
      resolve({
        sent,
        statuses,
        p50Ms: round(percentile(all, 50)),
        p99Ms: round(percentile(all, 99)),
        maxMs: round(all[all.length - 1] ?? 0),
        okP99Ms: round(percentile(ok, 99)),
        cpuShare: round((cpu.user + cpu.system) / 1000 / wallMs),
      });
    };
    const send = (planned: number) => {
      sent++;
      let settled = false;
      const settle = (status: string) => {
        if (settled) return;
        settled = true;
        finish(planned, status);
      };
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          headers,
          timeout: job.timeoutMs,
        },
        (res) => {
          // Read and drop the body: parsing it would make the client the bottleneck.
          res.on('data', () => undefined);
          res.on('end', () => settle(String(res.statusCode)));
          res.on('error', () => settle('error'));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => settle('error'));
      req.end();
    };
    // Sends every request whose planned instant has come; a late tick catches up at once.
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * intervalMs <= now) send(start + sent * intervalMs);
      if (sent < total)
        setTimeout(tick, Math.max(0, start + sent * intervalMs - performance.now()));
    };
    tick();
  });
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

process.on('message', (job: LoadJob) => {
  void run(job).then((result) => process.send?.(result));
});
