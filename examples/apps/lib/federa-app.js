'use strict';
// The Federa application convention shared by the example apps: listen on PORT, answer /healthz,
// expose a Prometheus gauge `federa_load` (0..1) on /metrics, accept `POST /load` to pin the load.
const http = require('node:http');

const WINDOW_MS = 10_000;

/**
 * Serves `handle(req, res, body, path, query)` (query a URLSearchParams) plus the convention's
 * routes. Load is the request rate over the last 10 s divided by FEDERA_CAPACITY_RPS (default 50),
 * unless pinned with POST /load {"load": x} (POST /load {"load": null} unpins it).
 */
function serveFederaApp(name, handle, extraMetrics = () => '') {
  const capacityRps = Number(process.env.FEDERA_CAPACITY_RPS || 50);
  const arrivals = [];
  let pinned = null;

  const load = () => {
    if (pinned !== null) return pinned;
    const since = Date.now() - WINDOW_MS;
    while (arrivals.length > 0 && arrivals[0] < since) arrivals.shift();
    return Math.min(1, arrivals.length / (WINDOW_MS / 1000) / capacityRps);
  };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const [path, search = ''] = (req.url || '/').split('?');
      if (path === '/healthz') return send(res, 200, { status: 'ok', app: name });
      if (path === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        return res.end(
          `# HELP federa_load Share of this instance's capacity in use (0..1).\n` +
            `# TYPE federa_load gauge\nfedera_load ${load()}\n${extraMetrics()}`,
        );
      }
      if (path === '/load' && req.method === 'POST') {
        let value;
        try {
          value = JSON.parse(body || '{}').load;
        } catch {
          return send(res, 400, { error: 'body must be JSON {"load": 0..1}' });
        }
        if (value !== null && (typeof value !== 'number' || value < 0 || value > 1)) {
          return send(res, 400, { error: 'load must be a number between 0 and 1, or null' });
        }
        pinned = value;
        return send(res, 200, { load: load() });
      }
      arrivals.push(Date.now());
      Promise.resolve()
        .then(() => handle(req, res, body, path, new URLSearchParams(search)))
        .catch((error) => {
          if (!res.headersSent) send(res, 500, { error: error.message });
          else res.destroy();
        });
    });
  });

  // The loopback unless HOST says otherwise: a host whose config names another endpoint address
  // (host.yaml `address`) needs its apps to listen there, e.g. `env: { HOST: 0.0.0.0 }` in the spec.
  server.listen(Number(process.env.PORT || 0), process.env.HOST || '127.0.0.1', () => {
    console.log(
      `${name} listening on ${server.address().port} (instance ${process.env.FEDERA_INSTANCE || '-'})`,
    );
  });
  const shutdown = () => server.close(() => process.exit(0));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  return server;
}

function send(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

module.exports = { serveFederaApp, send };
