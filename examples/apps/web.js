'use strict';
// The shop's front end: a page listing the products of `catalog-db` and a checkout that goes
// through `payment`. It finds both only through Federa's discovery contract (lib/discovery.js):
// FEDERA_ENDPOINTS_<APP> of catalog-db and payment at start, FEDERA_DISCOVERY_URL for moves.
//   GET  /                 the shop page (HTML): products, prices, a form to buy each
//   GET  /products         the products as JSON
//   POST /checkout         form or JSON {product, quantity} → the payment id (201)
//   GET  /checkout/health  200 only when web → catalog-db → payment works (a read, a dry-run payment)
// /healthz stays this instance's own liveness: a front end whose database is away is alive and
// should not be restarted for it; the service's end-to-end probe is /checkout/health.
const { serveFederaApp, send } = require('./lib/federa-app');
const { Discovery } = require('./lib/discovery');

const CATALOG = 'catalog-db';
const PAYMENT = 'payment';
const MAX_QUANTITY = 100;
const instance = process.env.FEDERA_INSTANCE || 'web';

const discovery = new Discovery([CATALOG, PAYMENT]);
discovery.on('change', ({ app, before, after, version }) =>
  console.log(
    `web: ${app} is now at ${after.join(', ') || 'nowhere'} (was ${before.join(', ') || 'nowhere'}; version ${version})`,
  ),
);
void discovery.start();

/** A dependency that failed, named, so that the answer says which link of the chain broke. */
class DependencyError extends Error {
  /**
   * `summary` says what broke in the same words each time (the service probe quotes it, and a
   * reason that changes run to run would read as news); the message adds the details.
   */
  constructor(app, message, status = 502, summary = `${app}: ${message}`) {
    super(`${app}: ${message}`);
    this.app = app;
    this.status = status;
    this.summary = summary;
  }
}

async function call(app, options) {
  try {
    return await discovery.request(app, { timeoutMs: 3000, ...options });
  } catch (error) {
    // The message names the endpoints tried, in the order of this attempt: the summary does not.
    const status = error.code === 'NO_ENDPOINT' ? 503 : 502;
    throw new DependencyError(app, error.message, status, `${app} unreachable`);
  }
}

async function products() {
  const answer = await call(CATALOG, { path: `/kv?prefix=${encodeURIComponent('product/')}` });
  if (answer.status !== 200)
    throw new DependencyError(CATALOG, `listing products answered ${answer.status}`);
  return JSON.parse(answer.body).entries.map((entry) => JSON.parse(entry.value));
}

async function product(sku) {
  const answer = await call(CATALOG, { path: `/kv/${encodeURIComponent(`product/${sku}`)}` });
  if (answer.status === 404) return undefined;
  if (answer.status !== 200)
    throw new DependencyError(CATALOG, `reading product ${sku} answered ${answer.status}`);
  return JSON.parse(answer.body);
}

/** The checkout's fields from a form or JSON body, or the first invalid field named. */
function checkoutRequest(req, body) {
  let fields;
  if ((req.headers['content-type'] || '').startsWith('application/json')) {
    try {
      fields = JSON.parse(body || '{}');
    } catch {
      return { error: 'body must be JSON {"product": sku, "quantity": n}', field: 'body' };
    }
  } else {
    fields = Object.fromEntries(new URLSearchParams(body));
  }
  const sku = fields && fields.product;
  if (typeof sku !== 'string' || !/^[a-z0-9-]{1,63}$/.test(sku))
    return { error: 'product must be a product sku (a-z, 0-9, -)', field: 'product' };
  const quantity = fields.quantity === undefined ? 1 : Number(fields.quantity);
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY)
    return {
      error: `quantity must be a whole number from 1 to ${MAX_QUANTITY}`,
      field: 'quantity',
    };
  return { sku, quantity };
}

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res, status, title, content) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    `<!doctype html><html><head><meta charset="utf-8"><title>${escape(title)}</title>` +
      '<style>body{font-family:sans-serif;max-width:40em;margin:2em auto}' +
      'td,th{padding:.3em .8em;text-align:left}form{margin:0}</style></head>' +
      `<body><h1>${escape(title)}</h1>${content}` +
      `<p><small>served by ${escape(instance)}; catalogue at ${escape(discovery.endpoints(CATALOG).join(', ') || 'nowhere')}, ` +
      `payment at ${escape(discovery.endpoints(PAYMENT).join(', ') || 'nowhere')}</small></p></body></html>`,
  );
}

function wantsJson(req) {
  return (
    (req.headers['content-type'] || '').startsWith('application/json') ||
    (req.headers.accept || '').includes('application/json')
  );
}

function failed(req, res, status, error, field) {
  if (wantsJson(req)) return send(res, status, field ? { error, field } : { error });
  return page(
    res,
    status,
    'Shop: that did not work',
    `<p>${escape(error)}</p><p><a href="/">Back to the shop</a></p>`,
  );
}

async function shopPage(res) {
  const rows = (await products())
    .map(
      (p) =>
        `<tr><td>${escape(p.name)}</td><td>CHF ${p.price.toFixed(2)}</td><td>` +
        `<form method="post" action="/checkout"><input type="hidden" name="product" value="${escape(p.sku)}">` +
        `<input type="number" name="quantity" value="1" min="1" max="${MAX_QUANTITY}" style="width:4em"> ` +
        '<button>Buy</button></form></td></tr>',
    )
    .join('');
  page(res, 200, 'Shop', `<table><tr><th>product</th><th>price</th><th></th></tr>${rows}</table>`);
}

async function checkout(req, res, body) {
  const order = checkoutRequest(req, body);
  if (order.error) return failed(req, res, 400, order.error, order.field);
  const item = await product(order.sku);
  if (!item) return failed(req, res, 404, `no product ${order.sku}`, 'product');
  const amount = Math.round(item.price * order.quantity * 100) / 100;
  const answer = await call(PAYMENT, {
    method: 'POST',
    path: '/pay',
    body: { amount, product: item.sku, quantity: order.quantity },
  });
  if (answer.status !== 201)
    throw new DependencyError(PAYMENT, `answered ${answer.status}: ${answer.body}`);
  const payment = JSON.parse(answer.body);
  const receipt = { payment: payment.id, product: item.sku, quantity: order.quantity, amount };
  if (wantsJson(req)) return send(res, 201, receipt);
  page(
    res,
    201,
    'Thank you',
    `<p>${order.quantity} × ${escape(item.name)}, CHF ${amount.toFixed(2)}: paid.</p>` +
      `<p>Payment <code>${escape(payment.id)}</code></p><p><a href="/">Back to the shop</a></p>`,
  );
}

/** The chain web → catalog-db → payment, as the service's end-to-end probe sees it. */
async function chainHealth(res) {
  const listed = await products();
  if (listed.length === 0) throw new DependencyError(CATALOG, 'the catalogue has no product');
  const ping = await call(PAYMENT, {
    method: 'POST',
    path: '/pay',
    body: { amount: listed[0].price, dryRun: true },
  });
  if (ping.status !== 200)
    throw new DependencyError(PAYMENT, `dry-run payment answered ${ping.status}`);
  send(res, 200, {
    status: 'ok',
    instance,
    catalog: { products: listed.length, endpoints: discovery.endpoints(CATALOG) },
    payment: { dryRun: 'ok', endpoints: discovery.endpoints(PAYMENT) },
  });
}

serveFederaApp('web', async (req, res, body, path) => {
  try {
    if (path === '/' && req.method === 'GET') return await shopPage(res);
    if (path === '/products' && req.method === 'GET')
      return send(res, 200, { products: await products() });
    if (path === '/checkout' && req.method === 'POST') return await checkout(req, res, body);
    if (path === '/checkout/health' && req.method === 'GET') return await chainHealth(res);
    return send(res, 404, { error: `no page ${req.method} ${path}` });
  } catch (error) {
    if (!(error instanceof DependencyError)) throw error;
    if (path === '/checkout/health')
      return send(res, 503, {
        status: 'failing',
        failed: error.app,
        error: error.summary,
        detail: error.message,
      });
    return failed(req, res, error.status, error.message);
  }
});
