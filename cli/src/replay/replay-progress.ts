import type { ProgressStream } from '../progress-display';

/** Where a replay shows how it goes and says what went wrong, without one erasing the other. */
export interface ReplayProgress {
  /** The state now, one line. */
  show(text: string): void;
  /** A line that stays (a warning): written above the state line. */
  log(line: string): void;
  /** Leaves the last state on its own line. */
  end(): void;
}

/** How often a stream that is not a terminal gets the state (CI's log would get a line per step). */
const plainEveryMs = 5_000;

/**
 * A terminal gets one state line redrawn in place (cut to its width, so that it never wraps into
 * lines a redraw would not reach), each warning written above it; anything else gets the warnings
 * as they come and the state at most every 5 s, and the last state at the end.
 */
export function replayProgress(
  stream: ProgressStream & { columns?: number },
  now: () => number = Date.now,
): ReplayProgress {
  return stream.isTTY ? new TerminalLine(stream) : new PlainLines(stream, now);
}

class TerminalLine implements ReplayProgress {
  private text = '';
  private ended = false;

  constructor(private readonly stream: ProgressStream & { columns?: number }) {}

  show(text: string): void {
    if (this.ended) return;
    this.text = fitted(text, this.stream.columns);
    this.stream.write(`\r\x1b[2K${this.text}`);
  }

  log(line: string): void {
    this.stream.write(`\r\x1b[2K${line}\n${this.ended ? '' : this.text}`);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.text !== '') this.stream.write('\n');
  }
}

class PlainLines implements ReplayProgress {
  private text = '';
  private written = '';
  private writtenAt = -Infinity;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number,
  ) {}

  show(text: string): void {
    this.text = text;
    if (text === this.written || this.now() - this.writtenAt < plainEveryMs) return;
    this.write();
  }

  log(line: string): void {
    this.stream.write(`${line}\n`);
  }

  end(): void {
    if (this.text !== this.written) this.write();
  }

  private write(): void {
    this.written = this.text;
    this.writtenAt = this.now();
    this.stream.write(`${this.text}\n`);
  }
}

/** The first line of the text, cut to the terminal's width (less one, where the cursor waits). */
export function fitted(text: string, columns: number | undefined): string {
  const line = text.split('\n')[0];
  const width = (columns ?? 80) - 1;
  return line.length <= width ? line : `${line.slice(0, Math.max(0, width - 1))}…`;
}
