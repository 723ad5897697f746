import type { BackendProcess } from './backend-process';
import { RestartingBackend } from './restarting-backend';

/** A backend run that becomes ready, fails to, or dies when the test says so. */
class FakeRun implements BackendProcess {
  readonly ready: Promise<void>;
  readonly exited: Promise<string>;
  readonly stop = jest.fn(() => Promise.resolve(this.die('code 0')));
  readonly forceStop = jest.fn(() => Promise.resolve(this.die('SIGKILL')));
  private accept: () => void = () => undefined;
  private refuse: (error: Error) => void = () => undefined;
  private end: (how: string) => void = () => undefined;
  private ended = false;

  constructor(readonly pid: number) {
    this.ready = new Promise((resolve, reject) => {
      this.accept = resolve;
      this.refuse = reject;
    });
    this.ready.catch(() => undefined);
    this.exited = new Promise((resolve) => (this.end = resolve));
  }

  becomeReady(): void {
    this.accept();
  }

  die(how = 'SIGKILL'): void {
    if (this.ended) return;
    this.ended = true;
    this.refuse(new Error(`exited (${how}) before it accepted connections`));
    this.end(how);
  }
}

/** Launches fake runs (ready at once unless told otherwise) and remembers each launch. */
class FakeLauncher {
  readonly runs: FakeRun[] = [];
  readonly launchedAt: number[] = [];
  /** How the next launches go: 'ready', 'stuck' (never ready) or 'dies' (exits while starting). */
  private plans: ('ready' | 'stuck' | 'dies')[] = [];

  readonly launch = (): BackendProcess => {
    this.launchedAt.push(Date.now());
    const run = new FakeRun(200 + this.runs.length);
    this.runs.push(run);
    const plan = this.plans.shift() ?? 'ready';
    if (plan === 'ready') run.becomeReady();
    if (plan === 'dies') run.die('code 1');
    return run;
  };

  next(...plans: ('ready' | 'stuck' | 'dies')[]): void {
    this.plans.push(...plans);
  }

  get latest(): FakeRun {
    return this.runs[this.runs.length - 1];
  }
}

describe('RestartingBackend', () => {
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

  async function startedBackend(): Promise<RestartingBackend> {
    const backend = new RestartingBackend('nats', '127.0.0.1:4222', launcher.launch, (line) =>
      lines.push(line),
    );
    await backend.start();
    return backend;
  }

  async function pass(ms: number): Promise<void> {
    await jest.advanceTimersByTimeAsync(ms);
  }

  it('starts a run and waits until it accepts connections', async () => {
    const backend = await startedBackend();
    expect(launcher.runs).toHaveLength(1);
    expect(backend.pid).toBe(200);
    expect(lines).toEqual([]);
  });

  it('throws, and kills the run, when the first run does not become ready; then restarts nothing', async () => {
    launcher.next('dies');
    const backend = new RestartingBackend('postgres', '127.0.0.1:5432', launcher.launch, (line) =>
      lines.push(line),
    );
    await expect(backend.start()).rejects.toThrow('exited (code 1) before it accepted connections');
    await pass(120_000);
    expect(launcher.runs).toHaveLength(1);
    expect(lines).toEqual([]);
  });

  it('restarts a run that dies at the same address after 1 s, then 2 s, 4 s and so on up to 30 s, saying so', async () => {
    await startedBackend();
    const delays: number[] = [];
    for (let death = 0; death < 7; death++) {
      const diedAt = Date.now();
      launcher.latest.die('SIGKILL');
      const before = launcher.runs.length;
      while (launcher.runs.length === before) await pass(500);
      delays.push(Date.now() - diedAt);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(lines.slice(0, 4)).toEqual([
      'nats exited unexpectedly (SIGKILL): restarting it on 127.0.0.1:4222 in 1 s',
      'nats restarted on 127.0.0.1:4222 (pid 201)',
      'nats exited unexpectedly (SIGKILL): restarting it on 127.0.0.1:4222 in 2 s',
      'nats restarted on 127.0.0.1:4222 (pid 202)',
    ]);
  });

  it('restarts after 1 s again once a run has stayed up for 60 s', async () => {
    await startedBackend();
    for (let death = 0; death < 3; death++) {
      launcher.latest.die();
      await pass(10_000);
    }
    await pass(60_000);
    const diedAt = Date.now();
    launcher.latest.die();
    await pass(1000);
    expect(launcher.launchedAt[launcher.launchedAt.length - 1]).toBe(diedAt + 1000);
  });

  it('kills a restarted run that does not become ready and tries again later with a longer wait', async () => {
    await startedBackend();
    launcher.next('stuck');
    const stuckAt = Date.now() + 1000;
    launcher.latest.die();
    await pass(1000);
    const stuck = launcher.latest;
    expect(stuck.pid).toBe(201);

    stuck.die('SIGKILL');
    await pass(0);
    expect(lines[1]).toBe(
      'nats did not start again (exited (SIGKILL) before it accepted connections): trying again in 2 s',
    );
    await pass(2000);
    expect(launcher.launchedAt.slice(1)).toEqual([stuckAt, stuckAt + 2000]);
    expect(lines[2]).toBe('nats restarted on 127.0.0.1:4222 (pid 202)');
  });

  it('logs a restart whose launch throws and tries again later with a longer wait', async () => {
    let throwNext = false;
    const backend = new RestartingBackend(
      'postgres',
      '127.0.0.1:5432',
      () => {
        if (!throwNext) return launcher.launch();
        throwNext = false;
        throw new Error('spawn ENOMEM');
      },
      (line) => lines.push(line),
    );
    await backend.start();
    throwNext = true;
    launcher.latest.die();

    await pass(1000 + 2000);

    expect(launcher.runs).toHaveLength(2);
    expect(lines).toEqual([
      'postgres exited unexpectedly (SIGKILL): restarting it on 127.0.0.1:5432 in 1 s',
      'postgres did not start again (spawn ENOMEM): trying again in 2 s',
      'postgres restarted on 127.0.0.1:5432 (pid 201)',
    ]);
  });

  describe.each(['stop', 'forceStop'] as const)('%s()', (stop) => {
    it('cancels a pending restart', async () => {
      const backend = await startedBackend();
      launcher.latest.die();
      await pass(500);

      await backend[stop]();
      await pass(120_000);

      expect(launcher.runs).toHaveLength(1);
    });

    it('stops a run that is being restarted and restarts nothing afterwards', async () => {
      const backend = await startedBackend();
      launcher.next('stuck');
      launcher.latest.die();
      await pass(1000);
      const restarting = launcher.latest;

      await backend[stop]();
      await pass(120_000);

      expect(restarting[stop]).toHaveBeenCalled();
      expect(launcher.runs).toHaveLength(2);
      expect(lines).toEqual([
        'nats exited unexpectedly (SIGKILL): restarting it on 127.0.0.1:4222 in 1 s',
      ]);
    });

    it('restarts nothing that dies once it is called', async () => {
      const backend = await startedBackend();
      await backend[stop]();
      launcher.latest.die('SIGTERM');
      await pass(120_000);
      expect(launcher.runs).toHaveLength(1);
      expect(lines).toEqual([]);
    });
  });
});
