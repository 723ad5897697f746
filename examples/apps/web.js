'use strict';
// The shop's front end: a page per request; needs bandwidth more than anything.
const { serveFederaApp, send } = require('./lib/federa-app');

serveFederaApp('web', (req, res, _body, path) => {
  if (path === '/') {
    res.writeHead(200, { 'content-type': 'text/html' });
    return res.end(`<h1>Shop</h1><p>served by ${process.env.FEDERA_INSTANCE || 'web'}</p>`);
  }
  return send(res, 404, { error: `no page ${path}` });
});
