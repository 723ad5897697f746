// Lets plain `node` run this repository's TypeScript (benchmarks, test child processes) without a
// build: .ts is compiled on require by @swc/core with the repo's .swcrc, and @federa/* resolve to
// libs/*/src as in Jest. It loads nothing else: the entry point decides what to preload (see
// eventstore-register.js for reflect-metadata).
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..');
const swcOptions = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swcOptions.$schema;
// Node reads inline source maps only under --enable-source-maps; without it they would only take
// memory in every compiled module.
const sourceMaps = process.sourceMapsEnabled ? { sourceMaps: 'inline' } : {};

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  // Subpaths too (@federa/runtime/backoff, @federa/eventstore/in-memory), as tsconfig's paths map them.
  const alias =
    /^@federa\/(contracts|eventstore|instance-lifecycle|instance-list|messaging|runtime|testing)(\/[a-z-]+)?$/.exec(
      request,
    );
  return resolveFilename.call(
    this,
    alias ? path.join(root, 'libs', alias[1], 'src', alias[2] ?? '') : request,
    ...rest,
  );
};

require.extensions['.ts'] = function (module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, { ...swcOptions, ...sourceMaps, filename, swcrc: false });
  module._compile(code, filename);
};

module.exports = { root };
