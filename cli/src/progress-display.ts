/** Where `--wait` shows how a long action goes. */
export interface ProgressDisplay {
  /** The action's state now, one or more lines; shown when it differs from the last. */
  show(text: string): void;
  /** Leaves the last state on screen, as plain text, and stops any animation. */
  end(): void;
}

/** The stream a display writes to: a terminal (isTTY) is redrawn in place. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const frameMs = 120;

/**
 * A terminal gets the state redrawn in place with a spinner before its first line; anything else
 * (a pipe, a file, CI's log) gets the state as plain lines, once each time it changes.
 */
export function progressDisplay(stream: ProgressStream): ProgressDisplay {
  return stream.isTTY ? new TerminalProgress(stream) : new PlainProgress(stream);
}

/** Plain lines, each state once. */
export class PlainProgress implements ProgressDisplay {
  private last: string | undefined;

  constructor(private readonly stream: ProgressStream) {}

  show(text: string): void {
    if (text === this.last) return;
    this.last = text;
    this.stream.write(`${text}\n`);
  }

  end(): void {}
}

/** The state redrawn in place: the cursor goes back up over the lines drawn last, which are cleared. */
export class TerminalProgress implements ProgressDisplay {
  private text = '';
  private drawnLines = 0;
  private frame = 0;
  private ended = false;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly stream: ProgressStream) {
    this.timer = setInterval(() => this.draw(true), frameMs);
    // The spinner alone never keeps the CLI running.
    this.timer.unref();
  }

  show(text: string): void {
    if (this.ended) return;
    this.text = text;
    this.draw(false);
  }

  /** Draws the last state once more without the spinner; later calls change nothing. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.timer);
    this.draw(false, false);
  }

  private draw(tick: boolean, spinning = true): void {
    if (this.text === '' || (this.ended && spinning)) return;
    if (tick) this.frame = (this.frame + 1) % spinnerFrames.length;
    const lines = this.text.split('\n');
    const prefix = spinning ? `${spinnerFrames[this.frame]} ` : '';
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F` : '';
    this.stream.write(`${up}\x1b[J${prefix}${lines.join('\n')}\n`);
    this.drawnLines = lines.length;
  }
}
