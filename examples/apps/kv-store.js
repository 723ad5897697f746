'use strict';
// The shop's catalogue database: a key-value store keeping every value as a file in
// FEDERA_DATA_DIR/kv, so that its data moves with the instance (export-data / import-data).
const fs = require('node:fs');
const path = require('node:path');
const { serveFederaApp, send } = require('./lib/federa-app');

const dir = path.join(process.env.FEDERA_DATA_DIR || path.join(process.cwd(), 'kv-data'), 'kv');
fs.mkdirSync(dir, { recursive: true });

const fileOf = (key) => path.join(dir, encodeURIComponent(key));

serveFederaApp(
  'kv-store',
  (req, res, body, urlPath) => {
    const match = /^\/kv\/(.+)$/.exec(urlPath);
    if (!match) return send(res, 404, { error: 'use /kv/<key>' });
    const key = decodeURIComponent(match[1]);
    if (req.method === 'PUT') {
      const temporary = `${fileOf(key)}.tmp`;
      fs.writeFileSync(temporary, body);
      fs.renameSync(temporary, fileOf(key));
      return send(res, 200, { key, bytes: Buffer.byteLength(body) });
    }
    if (req.method === 'GET') {
      if (!fs.existsSync(fileOf(key))) return send(res, 404, { error: `no key ${key}` });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(fs.readFileSync(fileOf(key)));
    }
    if (req.method === 'DELETE') {
      fs.rmSync(fileOf(key), { force: true });
      return send(res, 200, { key, deleted: true });
    }
    return send(res, 405, { error: 'GET, PUT or DELETE' });
  },
  () =>
    `# TYPE kv_keys gauge\nkv_keys ${fs.readdirSync(dir).filter((f) => !f.endsWith('.tmp')).length}\n`,
);
