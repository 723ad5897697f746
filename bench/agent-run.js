// Runs a TypeScript script (bench/agent.ts unless a path relative to the repo is given) without a build.
const path = require('node:path');
const { root } = require('./typescript-require-hook');

require('reflect-metadata');
require(path.join(root, process.argv[2] || 'bench/agent.ts'));
