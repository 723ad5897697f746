import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { styleText } from 'node:util';
import type { LogLineRenderer } from './log-line-renderer';

type Colour = Parameters<typeof styleText>[0];
const palette: Colour[] = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'red', 'gray'];

/** Colours only for a terminal that wants them (NO_COLOR, FORCE_COLOR respected). */
export function useColour(): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR) return process.env.FORCE_COLOR !== '0';
  return Boolean(process.stdout.isTTY);
}

let nextColour = 0;

/**
 * Writes the lines of one process to stdout as `[name] line`, each name in its own colour; lines
 * attached from the process's output go through `render` (when given), which may drop them.
 */
export class PrefixedOutput {
  private readonly prefix: string;

  constructor(
    readonly name: string,
    private readonly render?: LogLineRenderer,
  ) {
    const label = `[${name}]`;
    this.prefix = useColour() ? styleText(palette[nextColour++ % palette.length], label) : label;
  }

  /** Forwards every line of `stream`, rendered, until it ends. */
  attach(stream: Readable | null): void {
    if (!stream) return;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      const shown = this.render ? this.render(line) : line;
      if (shown !== undefined) this.line(shown);
    });
  }

  /** Writes `text` as is, each of its lines prefixed. */
  line(text: string): void {
    process.stdout.write(
      text
        .split('\n')
        .map((line) => `${this.prefix} ${line}\n`)
        .join(''),
    );
  }
}
