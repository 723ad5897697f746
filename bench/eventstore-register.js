// Lets plain `node` run this repository's TypeScript (benchmarks, test child processes) without a build:
// compiles .ts with @swc/core using the repo's .swcrc and maps the @federa/* aliases like Jest does.
// Usage: node -r ./bench/eventstore-register.js bench/eventstore.ts
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..');
const swcOptions = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swcOptions.$schema;

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = /^@federa\/(contracts|eventstore|messaging|runtime|testing)$/.exec(request);
  return resolveFilename.call(
    this,
    alias ? path.join(root, 'libs', alias[1], 'src') : request,
    ...rest,
  );
};

require.extensions['.ts'] = function (module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, { ...swcOptions, filename, sourceMaps: 'inline' });
  module._compile(code, filename);
};

require('reflect-metadata');
