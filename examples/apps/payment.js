'use strict';
// The shop's secure payment application: authorises payments and journals them in
// FEDERA_DATA_DIR/payments.log (one JSON line each).
const fs = require('node:fs');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { serveFederaApp, send } = require('./lib/federa-app');

const journal = path.join(process.env.FEDERA_DATA_DIR || process.cwd(), 'payments.log');

serveFederaApp('payment', (req, res, body, urlPath) => {
  if (urlPath !== '/pay' || req.method !== 'POST')
    return send(res, 404, { error: 'POST /pay {"amount": n}' });
  let amount;
  try {
    amount = JSON.parse(body || '{}').amount;
  } catch {
    return send(res, 400, { error: 'body must be JSON' });
  }
  if (typeof amount !== 'number' || !(amount > 0))
    return send(res, 400, { error: 'amount must be a positive number' });
  const payment = { id: randomUUID(), amount, status: 'authorized', at: new Date().toISOString() };
  fs.appendFileSync(journal, `${JSON.stringify(payment)}\n`);
  return send(res, 201, payment);
});
