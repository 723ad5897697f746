#!/usr/bin/env node
// The `federa` command: the compiled CLI (npm run build, which `npm ci` runs through `prepare`).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'cli', 'src', 'main.js');
if (!existsSync(main)) {
  process.stderr.write(`federa is not built: ${main} is missing (run npm run build)\n`);
  process.exit(1);
}
require(main);
