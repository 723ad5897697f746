import { StopRequests } from './stop-requests';

function requests() {
  const stops: string[] = [];
  const forces: string[] = [];
  const lines: string[] = [];
  const stopRequests = new StopRequests({
    stop: (why) => stops.push(why),
    force: (signal) => forces.push(signal),
    log: (line) => lines.push(line),
  });
  return { stopRequests, stops, forces, lines };
}

describe('StopRequests', () => {
  it('stops in order on the first Ctrl-C, and forces on the second, once', () => {
    const { stopRequests, stops, forces, lines } = requests();
    stopRequests.signal('SIGINT');
    expect(stops).toEqual(['SIGINT']);
    expect(forces).toEqual([]);
    expect(stopRequests.forced).toBe(false);
    expect(lines).toEqual(['SIGINT: stopping (press Ctrl-C again to force)']);

    stopRequests.signal('SIGTERM');
    stopRequests.signal('SIGINT');
    expect(stops).toEqual(['SIGINT']);
    expect(forces).toEqual(['SIGTERM']);
    expect(stopRequests.forced).toBe(true);
    expect(lines[1]).toBe('SIGTERM again: force-stopping, SIGKILL to everything federa up started');
  });

  it('stops in order when the output closes, and a later Ctrl-C is still only the first', () => {
    const { stopRequests, stops, forces } = requests();
    stopRequests.outputClosed();
    stopRequests.outputClosed();
    expect(stops).toEqual(['output closed']);

    stopRequests.signal('SIGINT');
    expect(forces).toEqual([]);
    stopRequests.signal('SIGINT');
    expect(forces).toEqual(['SIGINT']);
    expect(stops).toEqual(['output closed']);
  });

  it('stops in order when the terminal closes (SIGHUP), and says so', () => {
    const { stopRequests, stops, forces, lines } = requests();
    stopRequests.signal('SIGHUP');
    expect(stops).toEqual(['SIGHUP']);
    expect(forces).toEqual([]);
    expect(lines).toEqual(['SIGHUP: the terminal closed, stopping']);
  });

  it('never counts SIGHUP as the second signal that forces, before a Ctrl-C or after it', () => {
    const { stopRequests, stops, forces, lines } = requests();
    stopRequests.signal('SIGHUP');
    stopRequests.signal('SIGHUP');
    stopRequests.signal('SIGINT');
    stopRequests.signal('SIGHUP');
    expect(forces).toEqual([]);
    expect(stopRequests.forced).toBe(false);
    expect(stops).toEqual(['SIGHUP']);
    expect(lines).toEqual([
      'SIGHUP: the terminal closed, stopping',
      'SIGINT: stopping (press Ctrl-C again to force)',
    ]);

    stopRequests.signal('SIGINT');
    expect(forces).toEqual(['SIGINT']);
  });
});
