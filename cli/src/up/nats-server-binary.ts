import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const installCommand = 'sudo apt-get install -y nats-server';

/** Where a nats-server binary is: PATH, then Debian's /usr/sbin, then /usr/local/bin. */
export function findNatsServer(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/bin'];
  return dirs
    .map((dir) => dir && join(dir, 'nats-server'))
    .find((path) => path && existsSync(path));
}

/**
 * The nats-server to run: one already installed, else Debian's package installed now when this
 * process is root and apt-get exists; otherwise an error naming the one command that installs it.
 */
export function natsServerOrInstall(log: (line: string) => void): string {
  const found = findNatsServer();
  if (found) return found;
  const root = process.getuid?.() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `nats-server is not installed and FEDERA_NATS_URL does not answer; install it with: ${installCommand}`,
    );
  }
  log('nats-server is not installed: apt-get install -y nats-server');
  const apt = (args: string[]) =>
    execFileSync('apt-get', args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    apt(['install', '-y', 'nats-server']);
  } catch {
    apt(['update']);
    apt(['install', '-y', 'nats-server']);
  }
  const installed = findNatsServer();
  if (!installed)
    throw new Error(`nats-server still not found after installing it; try: ${installCommand}`);
  return installed;
}
