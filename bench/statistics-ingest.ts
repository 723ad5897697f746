// The ingest half of bench/statistics.ts: agents' heartbeats for HOSTS × INSTANCES at 1 Hz published
// on core NATS as agents send them, while one statistics process takes them. Measures that process's
// cpu (from /proc, utime + stime over the measured window) and the lag of a probe host's heartbeats:
// publication → its sample visible in statistics.usage_minutes (polled every POLL_MS, so the lag is
// known to that resolution; most of it is the usage flush interval).
import { readFileSync } from 'node:fs';
import { Subjects } from '@federa/contracts';
import type { NatsConnection } from 'nats';
import type { Pool } from 'pg';

const POLL_MS = 100;
const TICKS_PER_SECOND = 100;

export interface IngestOptions {
  nc: NatsConnection;
  pool: Pool;
  subjects: Subjects;
  pid: number;
  hosts: number;
  instancesPerHost: number;
  warmupS: number;
  measureS: number;
}

export interface IngestResult {
  heartbeats_per_s: number;
  instance_samples_per_s: number;
  cpu_share: number;
  lag_p50_ms: number | null;
  lag_p99_ms: number | null;
  lag_samples: number;
  published: number;
}

/** utime + stime of a process, in clock ticks. */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const hostId = (h: number) => `bench-${String(h).padStart(5, '0')}`;

/**
 * One host's heartbeat as an agent sends it, as text with the changing fields left to fill: the
 * publisher sends 10,000 a second and must not be what the measurement measures.
 */
function heartbeatTemplate(host: string, instances: number): [string, string, string] {
  const beats = Array.from({ length: instances }, (_, i) => ({
    instance: `${host}-app-${i}`,
    state: 'healthy',
    load: 0.3,
    usage: {
      cpuMillis: 250,
      memoryBytes: 128 * 2 ** 20,
      storageBytes: 2 ** 30,
      networkBytes: 20_000,
      networkInBytes: 12_000,
      networkOutBytes: 8_000,
    },
  }));
  const tail = JSON.stringify(beats);
  return [
    `{"host":"${host}","epoch":1,"intervalMs":1000,"seq":`,
    `,"sentAt":`,
    `,"instances":${tail}}`,
  ];
}

export async function measureIngest(o: IngestOptions): Promise<IngestResult> {
  const encoder = new TextEncoder();
  const templates = Array.from({ length: o.hosts }, (_, h) =>
    heartbeatTemplate(hostId(h), o.instancesPerHost),
  );
  const probe = { host: hostId(0), instance: `${hostId(0)}-app-0` };
  const publishedAt: number[] = [0];
  let seq = 0;
  let published = 0;
  // Ten slices a second, each publishing a tenth of the hosts: every host once a second.
  const slices = 10;
  const perSlice = Math.ceil(o.hosts / slices);
  let slice = 0;
  const publishSlice = () => {
    if (slice === 0) seq++;
    const now = Date.now();
    for (let h = slice * perSlice; h < Math.min(o.hosts, (slice + 1) * perSlice); h++) {
      const [head, mid, tail] = templates[h];
      o.nc.publish(
        o.subjects.agentHeartbeat(hostId(h)),
        encoder.encode(`${head}${seq}${mid}${now}${tail}`),
      );
      published++;
      if (h === 0) publishedAt[seq] = now;
    }
    slice = (slice + 1) % slices;
  };
  const publisher = setInterval(publishSlice, 1000 / slices);

  const lags: number[] = [];
  let seen = 0;
  // The probe's heartbeats whose lag counts: those published in the measured window.
  const window = { fromSeq: Number.MAX_SAFE_INTEGER, toSeq: Number.MAX_SAFE_INTEGER };
  const poll = setInterval(() => {
    void o.pool
      .query<{ n: string | null }>(
        'SELECT sum(samples)::bigint AS n FROM statistics.usage_minutes WHERE instance = $1',
        [probe.instance],
      )
      .then(({ rows }) => {
        const n = Number(rows[0].n ?? 0);
        const now = Date.now();
        for (let k = seen + 1; k <= n && k < publishedAt.length; k++)
          if (k >= window.fromSeq && k <= window.toSeq) lags.push(now - publishedAt[k]);
        seen = Math.max(seen, n);
      })
      .catch(() => undefined);
  }, POLL_MS);

  try {
    await sleep(o.warmupS * 1000);
    window.fromSeq = seq + 1;
    const publishedBefore = published;
    const ticksBefore = cpuTicks(o.pid);
    const startedAt = Date.now();
    await sleep(o.measureS * 1000);
    const wallS = (Date.now() - startedAt) / 1000;
    const ticks = cpuTicks(o.pid) - ticksBefore;
    const rate = (published - publishedBefore) / wallS;
    // The heartbeats published in the window land after it (one flush later): wait for them.
    window.toSeq = seq;
    const giveUpAt = Date.now() + 60_000;
    while (seen < window.toSeq && Date.now() < giveUpAt) await sleep(POLL_MS);
    lags.sort((a, b) => a - b);
    const pct = (p: number) =>
      lags.length === 0 ? null : lags[Math.min(lags.length - 1, Math.floor(p * lags.length))];
    return {
      heartbeats_per_s: Math.round(rate),
      instance_samples_per_s: Math.round(rate * o.instancesPerHost),
      cpu_share: Number((ticks / TICKS_PER_SECOND / wallS).toFixed(3)),
      lag_p50_ms: pct(0.5),
      lag_p99_ms: pct(0.99),
      lag_samples: lags.length,
      published,
    };
  } finally {
    clearInterval(publisher);
    clearInterval(poll);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
