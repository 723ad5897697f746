// A workload for test/agent-discovery*.spec.ts: shows the environment the agent gave it (GET /env)
// and the newest endpoints it read by long-polling FEDERA_DISCOVERY_URL (GET /seen).
const http = require('node:http');

let seen = null;
let polls = 0;

async function follow(url) {
  let after = 0;
  for (;;) {
    try {
      const answer = await fetch(`${url}?after=${after}&timeoutMs=20000`);
      const body = await answer.json();
      polls++;
      if (answer.ok && body.version >= after) {
        seen = body;
        after = body.version;
      }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

const server = http.createServer((request, response) => {
  const send = (status, body) => {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (request.url === '/healthz') return send(200, { ok: true });
  if (request.url === '/env') return send(200, process.env);
  if (request.url === '/seen') return send(200, { seen, polls });
  send(404, { error: 'not found' });
});

server.listen(Number(process.env.PORT), '127.0.0.1');
if (process.env.FEDERA_DISCOVERY_URL) void follow(process.env.FEDERA_DISCOVERY_URL);
process.on('SIGTERM', () => process.exit(0));
