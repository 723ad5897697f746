// Runs services/agent/src/main.ts in a child process without a build (for the CLI's exit-status
// tests): TypeScript is compiled on require by @swc/core, and @federa/* resolve to libs/*/src.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

const root = path.join(__dirname, '..');
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = /^@federa\/(contracts|eventstore|messaging|runtime|testing)$/.exec(request);
  return resolveFilename.call(
    this,
    alias ? path.join(root, 'libs', alias[1], 'src') : request,
    ...rest,
  );
};
require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    ...swcrc,
    filename,
    swcrc: false,
  });
  module._compile(code, filename);
};
require(path.join(root, 'services', 'agent', 'src', 'main.ts'));
