import { PassThrough } from 'node:stream';
import { whenOutputCloses } from './output-closed';

function brokenPipe(): Error {
  return Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
}

describe('whenOutputCloses', () => {
  it('says once that the output is gone, whichever stream fails first and however often', () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const onClosed = jest.fn();
    whenOutputCloses(onClosed, [stdout, stderr]);
    expect(onClosed).not.toHaveBeenCalled();

    stdout.emit('error', brokenPipe());
    stderr.emit('error', brokenPipe());
    stdout.emit('error', brokenPipe());

    expect(onClosed).toHaveBeenCalledTimes(1);
  });

  it('keeps a failed write from ending the process: the error is handled', () => {
    const stdout = new PassThrough();
    whenOutputCloses(() => undefined, [stdout]);
    expect(() => stdout.emit('error', brokenPipe())).not.toThrow();
  });
});
