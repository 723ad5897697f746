import { progressDisplay } from './progress-display';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, isTTY, write: (text: string) => written.push(text) };
}

describe('the progress of --wait', () => {
  it('is plain lines, each state once, when the output is not a terminal', () => {
    const out = stream(false);
    const display = progressDisplay(out);
    display.show('shop deploying: web 0/2 healthy');
    display.show('shop deploying: web 0/2 healthy');
    display.show('shop available: web 2/2 healthy');
    display.end();
    expect(out.written.join('')).toBe(
      'shop deploying: web 0/2 healthy\nshop available: web 2/2 healthy\n',
    );
  });

  it('is redrawn in place on a terminal, over as many lines as it took, without the spinner at the end', () => {
    const out = stream(true);
    const display = progressDisplay(out);
    display.show('one\n  why');
    display.show('two');
    display.end();
    const spinner = (text: string) => text.replace(/^(\S*\[J)\S /u, '$1* ');
    expect(spinner(out.written[0])).toBe('\x1b[J* one\n  why\n');
    expect(spinner(out.written[1])).toBe('\x1b[2F\x1b[J* two\n');
    expect(out.written.at(-1)).toBe('\x1b[1F\x1b[Jtwo\n');
  });
});
