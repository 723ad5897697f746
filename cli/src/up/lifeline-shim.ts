import { spawn } from 'node:child_process';
import { constants } from 'node:os';
// The file, not the @federa/runtime index: this small process must not load Nest.
import { watchParentLifeline } from '../../../libs/runtime/src/parent-lifeline';
import { parseLifelineShimOrder, type LifelineShimOrder } from './domain/lifeline-shim-order';

/**
 * `node lifeline-shim.js`, with its order (domain/lifeline-shim-order.ts) as JSON on stdin: runs a
 * server that cannot watch a lifeline itself (PostgreSQL, nats-server) as its child, in its own
 * process group, and stops it when `federa up` is gone (its lifeline, FEDERA_LIFELINE_FD, closed):
 * the server's graceful stop, then SIGKILL to the group after the grace period. Otherwise it stands
 * in for the server: SIGINT, SIGTERM and SIGHUP go to it, and the shim ends as it ends (the same
 * exit code, or killed by the same signal), so that `federa up` sees the server's own ending.
 */
const forwarded: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function main(): void {
  // First: the variable leaves the environment the server inherits.
  const lifeline = watchParentLifeline();
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => (input += chunk));
  process.stdin.once('end', () => {
    let order: LifelineShimOrder;
    try {
      order = parseLifelineShimOrder(input);
    } catch (error) {
      process.stderr.write(
        `lifeline shim: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(2);
    }
    run(order, lifeline);
  });
}

function run(order: LifelineShimOrder, lifeline: Promise<void> | undefined): void {
  const server = spawn(order.command, order.args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    ...(order.uid !== undefined ? { uid: order.uid } : {}),
    ...(order.gid !== undefined ? { gid: order.gid } : {}),
  });
  const forward = (signal: NodeJS.Signals) => server.kill(signal);
  for (const signal of forwarded) process.on(signal, forward);
  server.once('error', (error) => {
    process.stderr.write(`cannot start ${order.command}: ${error.message}\n`);
    process.exit(127);
  });
  server.once('exit', (code, signal) => {
    if (signal === null) process.exit(code ?? 1);
    for (const s of forwarded) process.removeListener(s, forward);
    process.kill(process.pid, signal);
    // A signal Node ignores (SIGPIPE) does not end this process: exit as a shell reports it.
    setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 100);
  });
  void lifeline?.then(() => {
    server.kill(order.stopSignal);
    setTimeout(() => {
      try {
        process.kill(-process.pid, 'SIGKILL');
      } catch {
        server.kill('SIGKILL');
      }
    }, order.stopGraceMs);
  });
}

main();
