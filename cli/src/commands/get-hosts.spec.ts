import type { HostView } from '@federa/contracts';
import { renderOutput } from '../render-output';
import { hostColumns, hostWideColumns } from './get-hosts';

const resources = { cpuMillis: 1000, memoryBytes: 2 ** 30, storageBytes: 0, bandwidthBps: 0 };
const host: HostView = {
  id: 'h1',
  site: 'geneva',
  state: 'ready',
  cordoned: false,
  layers: ['process'],
  capacity: resources,
  allocated: resources,
  securityLevel: 1,
  costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
  features: { ups: false, raid: false },
  labels: {},
  lastHeartbeatAt: null,
  epoch: 1,
  instances: 2,
  downCause: null,
  downDeferredUntil: null,
  drain: null,
};

describe('federa get hosts -o wide', () => {
  it('adds the drain: its state, instances left, blocked, and the new host of a replacement', () => {
    const draining: HostView = {
      ...host,
      id: 'h2',
      state: 'draining',
      drain: {
        state: 'draining',
        startedAt: '2026-12-07T10:00:00.000Z',
        deadlineAt: null,
        replaceWith: 'h9',
        remaining: ['shop-db-1', 'shop-web-1'],
        blocked: [{ instance: 'shop-db-1', service: 'shop', app: 'db', reason: 'not relocatable' }],
      },
    };
    const lines = renderOutput('wide', {}, [host, draining], hostColumns, hostWideColumns).split(
      '\n',
    );
    expect(lines[0]).toMatch(/LAST HEARTBEAT\s+DRAIN$/);
    expect(lines[1]).not.toContain('draining');
    expect(lines[2]).toMatch(/\sdraining 2 left 1 blocked → h9$/);
    expect(renderOutput('table', {}, [draining], hostColumns, hostWideColumns)).not.toContain(
      'DRAIN',
    );
  });
});
