import { resumeSeq, streamOrder } from './stream-order';

describe('streamOrder', () => {
  it('takes the message right after the last applied one as the next', () => {
    expect(streamOrder(0, 1)).toBe('next');
    expect(streamOrder(41, 42)).toBe('next');
  });

  it('calls a message at or before the last applied one seen', () => {
    expect(streamOrder(42, 42)).toBe('seen');
    expect(streamOrder(42, 7)).toBe('seen');
  });

  it('sees a gap when messages between the last applied one and this one never arrived', () => {
    expect(streamOrder(41, 43)).toBe('gap');
    expect(streamOrder(0, 16)).toBe('gap');
  });
});

describe('resumeSeq', () => {
  it('resumes where it was on the stream it followed', () => {
    expect(resumeSeq({ lastStreamSeq: 12, streamCreated: 'a' }, 'a')).toBe(12);
  });

  it('resumes where it was the first time it records which stream it follows', () => {
    expect(resumeSeq({ lastStreamSeq: 12, streamCreated: '' }, 'a')).toBe(12);
  });

  it('takes the first message of a recreated stream as a gap, so the log fills what the old one held', () => {
    const resumed = resumeSeq({ lastStreamSeq: 12, streamCreated: 'a' }, 'b');
    expect(streamOrder(resumed, 1)).toBe('gap');
    expect(streamOrder(resumed, 5)).toBe('gap');
  });
});
