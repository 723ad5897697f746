#!/usr/bin/env -S node --max-semi-space-size=2
// `federa-agent ...` is `federa agent ...`; the flag: services/agent/src/agent-node-flags.ts.
process.argv.splice(2, 0, 'agent');
require('./federa.js');
