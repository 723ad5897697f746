import {
  RestartingService,
  restartDelayMs,
  type LaunchServiceProcess,
  type ServiceProcessLike,
} from './restarting-service';

describe('restartDelayMs', () => {
  it('waits 1 s before the first restart and doubles after each until 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(restartDelayMs)).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
});

/** A service process that ends when the test says so. */
class FakeProcess implements ServiceProcessLike {
  readonly exited: Promise<string>;
  readonly stop = jest.fn(() => Promise.resolve());
  readonly forceStop = jest.fn(() => Promise.resolve());
  private end: (how: string) => void = () => undefined;

  constructor(readonly pid: number) {
    this.exited = new Promise((resolve) => (this.end = resolve));
  }

  die(how = 'code 1'): void {
    this.end(how);
  }
}

/** Launches fake processes, or throws when told to, and remembers every launch. */
class FakeLauncher {
  readonly launched: FakeProcess[] = [];
  readonly attempts: number[] = [];
  private failures: string[] = [];

  readonly launch: LaunchServiceProcess = () => {
    this.attempts.push(Date.now());
    const failure = this.failures.shift();
    if (failure !== undefined) throw new Error(failure);
    const started = new FakeProcess(100 + this.launched.length);
    this.launched.push(started);
    return started;
  };

  failNext(...messages: string[]): void {
    this.failures.push(...messages);
  }

  get latest(): FakeProcess {
    return this.launched[this.launched.length - 1];
  }
}

describe('RestartingService', () => {
  let launcher: FakeLauncher;
  let lines: string[];

  beforeEach(() => {
    jest.useFakeTimers();
    launcher = new FakeLauncher();
    lines = [];
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  function startService(): RestartingService {
    return new RestartingService(
      { name: 'inventory', main: 'services/inventory/src/main.js' },
      {},
      (line) => lines.push(line),
      undefined,
      launcher.launch,
    );
  }

  /** Lets the exit handlers (promise callbacks) run, and the clock move on by `ms`. */
  async function pass(ms: number): Promise<void> {
    await jest.advanceTimersByTimeAsync(ms);
  }

  /** Kills the latest process and answers how long it takes until the next one is launched. */
  async function restartDelayAfterDeath(): Promise<number> {
    const before = launcher.launched.length;
    const diedAt = Date.now();
    launcher.latest.die();
    for (let waited = 0; waited <= 60_000; waited += 500) {
      if (launcher.launched.length > before) return Date.now() - diedAt;
      await pass(500);
    }
    throw new Error('no restart within 60 s');
  }

  it('leaves a process that dies before keepRunning dead and tells firstExit how it ended', async () => {
    const service = startService();
    launcher.latest.die('SIGSEGV');

    await expect(service.firstExit).resolves.toBe('SIGSEGV');
    await pass(120_000);
    expect(launcher.launched).toHaveLength(1);
    expect(lines).toEqual([]);
  });

  it('restarts a process that keeps dying after 1 s, then 2 s, 4 s and so on up to 30 s, and logs each restart', async () => {
    const service = startService();
    service.keepRunning();

    const delays: number[] = [];
    for (let death = 0; death < 7; death++) delays.push(await restartDelayAfterDeath());

    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(lines.slice(0, 4)).toEqual([
      'inventory exited (code 1): restarting it in 1 s',
      'inventory restarted (pid 101)',
      'inventory exited (code 1): restarting it in 2 s',
      'inventory restarted (pid 102)',
    ]);
    expect(lines.slice(-2)).toEqual([
      'inventory exited (code 1): restarting it in 30 s',
      'inventory restarted (pid 107)',
    ]);
  });

  it('restarts a process that ran for 60 s before dying after 1 s again', async () => {
    const service = startService();
    service.keepRunning();
    for (let death = 0; death < 3; death++) await restartDelayAfterDeath();

    await pass(60_000);

    expect(await restartDelayAfterDeath()).toBe(1000);
  });

  it('keeps backing off a process that ran just under 60 s before dying', async () => {
    const service = startService();
    service.keepRunning();
    for (let death = 0; death < 3; death++) await restartDelayAfterDeath();

    await pass(59_000);

    expect(await restartDelayAfterDeath()).toBe(8000);
  });

  it('restarts a process that died just before keepRunning once keepRunning is called', async () => {
    const service = startService();
    launcher.latest.die('code 3');
    await pass(5000);
    expect(launcher.launched).toHaveLength(1);

    service.keepRunning();
    await pass(999);
    expect(launcher.launched).toHaveLength(1);
    await pass(1);

    expect(launcher.launched).toHaveLength(2);
    expect(lines).toEqual([
      'inventory exited (code 3): restarting it in 1 s',
      'inventory restarted (pid 101)',
    ]);
  });

  describe.each(['stop', 'forceStop'] as const)('%s()', (stop) => {
    it('cancels a pending restart', async () => {
      const service = startService();
      service.keepRunning();
      const first = launcher.latest;
      first.die();
      await pass(500);

      await service[stop]();
      await pass(120_000);

      expect(first[stop]).toHaveBeenCalled();
      expect(launcher.launched).toHaveLength(1);
    });

    it('restarts nothing that dies afterwards', async () => {
      const service = startService();
      service.keepRunning();

      await service[stop]();
      launcher.latest.die('SIGTERM');
      await pass(120_000);

      expect(launcher.launched).toHaveLength(1);
      expect(lines).toEqual([]);
    });

    it('launches nothing when called again after a stop', async () => {
      const service = startService();
      service.keepRunning();
      launcher.latest.die();
      await pass(500);

      await service.stop();
      await service[stop]();
      await pass(120_000);

      expect(launcher.launched).toHaveLength(1);
    });
  });

  it('logs a launch that throws and tries again later without throwing out of the timer', async () => {
    const service = startService();
    service.keepRunning();
    launcher.failNext('spawn ENOMEM');
    const diedAt = Date.now();
    launcher.latest.die();

    await pass(1000);
    expect(launcher.attempts).toEqual([diedAt, diedAt + 1000]);
    expect(lines).toEqual([
      'inventory exited (code 1): restarting it in 1 s',
      'inventory could not be restarted (spawn ENOMEM): trying again in 2 s',
    ]);

    await pass(2000);
    expect(launcher.launched).toHaveLength(2);
    expect(lines[2]).toBe('inventory restarted (pid 101)');
  });

  it('keeps backing off launches that keep throwing, however long the process before them ran', async () => {
    const service = startService();
    service.keepRunning();
    await pass(120_000);
    launcher.failNext('spawn EAGAIN', 'spawn EAGAIN', 'spawn EAGAIN', 'spawn EAGAIN');
    const diedAt = Date.now();
    launcher.latest.die();

    await pass(1000 + 2000 + 4000 + 8000 + 16_000);

    expect(launcher.attempts.slice(1).map((at) => at - diedAt)).toEqual([
      1000, 3000, 7000, 15_000, 31_000,
    ]);
  });
});
