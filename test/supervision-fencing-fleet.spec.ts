import { spawn } from 'node:child_process';
import { killChild } from './supervision-fencing-fleet';

describe("the fencing fleet's kill", () => {
  it('resolves for a child that has already exited, so that closing the fleet goes on', async () => {
    const child = spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));

    await killChild(child);

    expect(child.exitCode).toBe(3);
  });

  it('kills a running child and resolves once it has exited', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      stdio: 'ignore',
    });

    await killChild(child);

    expect(child.signalCode).toBe('SIGKILL');
  });
});
