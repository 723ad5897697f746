import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

/**
 * Runs in a plain Node process, where an unhandled rejection ends the process (Jest's own handlers
 * would hide it): an engine with overlapped rounds whose store refuses every round at once.
 */
const script = `
const { PlacementEngine } = require('./services/placement/src/engine/placement-engine');
const { hostAttributes, request } = require('./services/placement/src/testing/cluster-fixture');
const unused = () => Promise.reject(new Error('not used'));
const store = {
  append: unused, readStream: unused, readAll: unused,
  appendMany: async () => { throw new Error('the store refused the round'); },
};
const engine = new PlacementEngine(store, undefined, { roundSize: 2, overlapRounds: true });
for (const id of ['h1', 'h2', 'h3']) engine.state.registerHost(hostAttributes(id));
const requests = Array.from({ length: 6 }, (_, i) => request('web-' + i));
// Placement places pending instances only: each was requested.
const requested = requests.map((r, i) => ({
  type: 'InstanceRequested', streamId: 'instance-' + r.instance, streamVersion: 1, position: i + 1,
  data: { service: r.service, app: r.app, instance: r.instance, layer: r.layer, revision: 1 },
}));
engine.fold(requested).then(() => engine.place(requests, { correlationId: 'c-1' })).then(
  () => { console.log('placed'); process.exit(3); },
  (error) => setTimeout(() => console.log('rejected: ' + error.message + '; allocated ' + engine.state.allocationCount), 50),
);
`;

describe('placement engine whose store refuses a round at once', () => {
  it('rejects the placement, leaves nothing allocated and leaves no rejection unhandled (the process lives)', () => {
    const run = spawnSync(
      process.execPath,
      ['-r', './bench/eventstore-register.js', '-e', script],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('rejected: the store refused the round; allocated 0');
  });
});
