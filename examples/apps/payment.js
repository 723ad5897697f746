'use strict';
// The shop's secure payment application: authorises payments and journals each one in its own
// data, FEDERA_DATA_DIR/payments.log (append-only, one JSON line each, fsync'd before it answers),
// so that an answered payment id survives a crash and moves with the instance's data.
//   POST /pay {"amount": n, "product"?, "quantity"?}  → 201 {"id", "amount", "status", "at", ...}
//   POST /pay {"amount": n, "dryRun": true}          → 200: would authorise, journals nothing
//   GET  /payments/<id>                              → the journalled payment, or 404
const fs = require('node:fs');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { serveFederaApp, send } = require('./lib/federa-app');

const dataDir = process.env.FEDERA_DATA_DIR || process.cwd();
fs.mkdirSync(dataDir, { recursive: true });
const journal = path.join(dataDir, 'payments.log');
const fd = fs.openSync(journal, 'a');
let journalled = fs
  .readFileSync(journal, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '').length;

function record(payment) {
  fs.writeSync(fd, `${JSON.stringify(payment)}\n`);
  fs.fsyncSync(fd);
  journalled += 1;
}

function find(id) {
  for (const line of fs.readFileSync(journal, 'utf8').split('\n')) {
    if (!line.includes(id)) continue;
    try {
      const payment = JSON.parse(line);
      if (payment.id === id) return payment;
    } catch {
      // a torn last line from a crash: not a payment
    }
  }
  return undefined;
}

serveFederaApp(
  'payment',
  (req, res, body, urlPath) => {
    const byId = /^\/payments\/([0-9a-f-]{36})$/.exec(urlPath);
    if (byId && req.method === 'GET') {
      const payment = find(byId[1]);
      return payment ? send(res, 200, payment) : send(res, 404, { error: `no payment ${byId[1]}` });
    }
    if (urlPath !== '/pay' || req.method !== 'POST')
      return send(res, 404, { error: 'POST /pay {"amount": n}, GET /payments/<id>' });
    let request;
    try {
      request = JSON.parse(body || '{}');
    } catch {
      return send(res, 400, { error: 'body must be JSON {"amount": n}' });
    }
    const { amount, product, quantity, dryRun } = request || {};
    if (typeof amount !== 'number' || !(amount > 0) || !Number.isFinite(amount))
      return send(res, 400, { error: 'amount must be a positive number', field: 'amount' });
    if (dryRun === true) {
      // A health check's payment: proves this instance answers and can write its journal.
      fs.accessSync(dataDir, fs.constants.W_OK);
      return send(res, 200, { dryRun: true, amount, status: 'would be authorized' });
    }
    const payment = {
      id: randomUUID(),
      amount: Math.round(amount * 100) / 100,
      ...(typeof product === 'string' ? { product } : {}),
      ...(Number.isInteger(quantity) ? { quantity } : {}),
      status: 'authorized',
      at: new Date().toISOString(),
      instance: process.env.FEDERA_INSTANCE || 'payment',
    };
    record(payment);
    return send(res, 201, payment);
  },
  () => `# TYPE payments_journalled gauge\npayments_journalled ${journalled}\n`,
);
