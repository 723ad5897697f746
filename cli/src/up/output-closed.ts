/**
 * Calls `onClosed` once, when a write to `federa up`'s stdout or stderr fails: the reader of its
 * output is gone (`federa up | tee up.log`, and tee ended by the same Ctrl-C). Node ignores SIGPIPE,
 * so such a write fails with EPIPE, which would end the process on the spot (an unhandled 'error'
 * event) and orphan everything it started. With this, later failed writes are dropped: `federa up`
 * goes on stopping what it started, in order, with no one to tell.
 */
export function whenOutputCloses(
  onClosed: () => void,
  outputs: NodeJS.WritableStream[] = [process.stdout, process.stderr],
): void {
  let closed = false;
  for (const output of outputs) {
    output.on('error', () => {
      if (closed) return;
      closed = true;
      onClosed();
    });
  }
}
