import { RefusedMessageLog } from './refused-message-log';

describe('RefusedMessageLog', () => {
  it('names the subject and every field, once per subject per interval', () => {
    const lines: string[] = [];
    let now = 0;
    const log = new RefusedMessageLog(
      (line) => lines.push(line),
      60_000,
      () => now,
    );
    const errors = [
      { path: 'host', reason: 'must be a host id' },
      { path: 'instances.0.instance', reason: 'must be an instance id' },
    ];
    log.refused('p.agent.h-1.heartbeat', errors);
    log.refused('p.agent.h-1.heartbeat', errors);
    log.refused('p.agent.h-2.heartbeat', [{ path: '', reason: 'must be an object' }]);
    now = 60_000;
    log.refused('p.agent.h-1.heartbeat', errors);
    expect(lines).toEqual([
      'dropped a message on p.agent.h-1.heartbeat: host: must be a host id; instances.0.instance: must be an instance id',
      'dropped a message on p.agent.h-2.heartbeat: (message): must be an object',
      'dropped a message on p.agent.h-1.heartbeat: host: must be a host id; instances.0.instance: must be an instance id',
    ]);
  });
});
