// Runs the `federa` command from cli/src/main.ts without a build: for tests that run a script
// written for the image's `node bin/federa.js` (docker-compose.yml's credentials service).
const path = require('node:path');
const { root } = require('../bench/typescript-require-hook');

require(path.join(root, 'cli', 'src', 'main.ts'));
