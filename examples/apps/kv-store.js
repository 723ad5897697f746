'use strict';
// The shop's catalogue database: a key-value store keeping every value as a file in
// FEDERA_DATA_DIR/kv, so that its data moves with the instance (export-data / import-data).
// On its first start (no kv folder yet) it is seeded with the shop's products, as
// `product/<sku>` → {"sku", "name", "price"}; `GET /kv?prefix=product/` lists them.
const fs = require('node:fs');
const path = require('node:path');
const { serveFederaApp, send } = require('./lib/federa-app');

const dir = path.join(process.env.FEDERA_DATA_DIR || path.join(process.cwd(), 'kv-data'), 'kv');

const PRODUCTS = [
  { sku: 'alpine-tea', name: 'Alpine herbal tea, 100 g', price: 9.5 },
  { sku: 'gruyere', name: 'Gruyère AOP, 500 g', price: 14.2 },
  { sku: 'chocolate', name: 'Dark chocolate 72 %, 200 g', price: 6.8 },
  { sku: 'knife', name: 'Pocket knife, 12 functions', price: 49 },
  { sku: 'watch', name: 'Mechanical watch', price: 320 },
];

const fileOf = (key) => path.join(dir, encodeURIComponent(key));

function put(key, value) {
  const temporary = `${fileOf(key)}.tmp`;
  fs.writeFileSync(temporary, value);
  fs.renameSync(temporary, fileOf(key));
}

function keys() {
  return fs
    .readdirSync(dir)
    .filter((f) => !f.endsWith('.tmp'))
    .map((f) => decodeURIComponent(f));
}

// Seeded only when the store has never existed: data brought by import-data (a move) is kept as is.
if (!fs.existsSync(dir)) {
  const seeding = `${dir}.seeding`;
  fs.rmSync(seeding, { recursive: true, force: true });
  fs.mkdirSync(seeding, { recursive: true });
  for (const product of PRODUCTS) {
    fs.writeFileSync(
      path.join(seeding, encodeURIComponent(`product/${product.sku}`)),
      JSON.stringify(product),
    );
  }
  // One rename: a crash while seeding leaves no half-seeded store behind.
  fs.renameSync(seeding, dir);
  console.log(`kv-store: seeded ${PRODUCTS.length} products into ${dir}`);
}

serveFederaApp(
  'kv-store',
  (req, res, body, urlPath, query) => {
    if (urlPath === '/kv' || urlPath === '/kv/') {
      if (req.method !== 'GET') return send(res, 405, { error: 'GET /kv?prefix=<p> lists keys' });
      const prefix = query.get('prefix') || '';
      const entries = keys()
        .filter((key) => key.startsWith(prefix))
        .sort()
        .map((key) => ({ key, value: fs.readFileSync(fileOf(key), 'utf8') }));
      return send(res, 200, { entries });
    }
    const match = /^\/kv\/(.+)$/.exec(urlPath);
    if (!match) return send(res, 404, { error: 'use /kv/<key>' });
    const key = decodeURIComponent(match[1]);
    if (req.method === 'PUT') {
      put(key, body);
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
  () => `# TYPE kv_keys gauge\nkv_keys ${keys().length}\n`,
);
