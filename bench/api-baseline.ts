// The API benchmark's baseline, in a process of its own: the same rows as `GET /v1/hosts?limit=100`
// and `GET /v1/instances?limit=100`, served by a bare Node HTTP handler straight from Postgres with
// the same query shape as inventory's and supervision's read models, and no control plane in
// between (no auth, no NATS, no framework). Prints its port on stdout once listening.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.FEDERA_DATABASE_URL, max: 10 });

const hostsSql = `
SELECT h.*, a.allocated, COALESCE(a.instances, 0) AS instances
FROM inventory.hosts h
LEFT JOIN (
  SELECT host, count(*) AS instances, jsonb_build_object(
    'cpuMillis', sum((resources->>'cpuMillis')::bigint),
    'memoryBytes', sum((resources->>'memoryBytes')::bigint),
    'storageBytes', sum((resources->>'storageBytes')::bigint),
    'bandwidthBps', sum((resources->>'bandwidthBps')::bigint)) AS allocated
  FROM inventory.host_instances GROUP BY host
) a ON a.host = h.id
ORDER BY h.id LIMIT $1`;

const liveStates = [
  'pending',
  'placed',
  'starting',
  'running',
  'healthy',
  'unhealthy',
  'stopping',
  'migrating',
  'lost',
];
const instancesSql = `SELECT view FROM supervision.instances WHERE state = ANY($1)
  ORDER BY id COLLATE "C" LIMIT $2`;

type Row = Record<string, unknown>;

async function hosts(limit: number): Promise<unknown> {
  const { rows } = await pool.query<Row>({ text: hostsSql, values: [limit + 1] });
  const items = rows.slice(0, limit).map((row) => ({
    id: row.id,
    site: row.site,
    state: row.liveness === 'ready' ? 'ready' : row.liveness,
    cordoned: row.cordoned,
    layers: row.layers,
    capacity: row.capacity,
    allocated: row.allocated ?? { cpuMillis: 0, memoryBytes: 0, storageBytes: 0, bandwidthBps: 0 },
    securityLevel: row.security_level,
    costs: row.costs,
    features: row.features,
    labels: row.labels,
    lastHeartbeatAt: (row.last_heartbeat_at as Date | null)?.toISOString() ?? null,
    epoch: row.epoch,
    instances: Number(row.instances),
    downCause: row.down_cause,
    downDeferredUntil: null,
  }));
  return rows.length > limit ? { items, next: items[items.length - 1].id } : { items };
}

async function instances(limit: number): Promise<unknown> {
  const { rows } = await pool.query<{ view: Row }>({
    text: instancesSql,
    values: [liveStates, limit],
  });
  return {
    items: rows.map(({ view }) => ({
      id: view.id,
      service: view.service,
      app: view.app,
      host: view.host ?? null,
      layer: view.layer,
      state: view.state,
      since: view.since,
      revision: view.revision,
    })),
  };
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://baseline');
  const limit = Number(url.searchParams.get('limit') ?? 100);
  const read =
    url.pathname === '/v1/hosts' ? hosts : url.pathname === '/v1/instances' ? instances : undefined;
  if (!read) {
    res.writeHead(404).end();
    return;
  }
  read(limit).then(
    (body) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    },
    (error: unknown) => {
      res.writeHead(500).end(String(error));
    },
  );
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
