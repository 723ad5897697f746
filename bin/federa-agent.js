#!/usr/bin/env node
// `federa-agent ...` is `federa agent ...`.
process.argv.splice(2, 0, 'agent');
require('./federa.js');
