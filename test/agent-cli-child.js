// Runs services/agent/src/main.ts in a child process without a build (for the CLI's exit-status
// tests); main.ts loads reflect-metadata itself.
const path = require('node:path');
const { root } = require('../bench/typescript-require-hook');

require(path.join(root, 'services', 'agent', 'src', 'main.ts'));
