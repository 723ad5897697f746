import { NatsFrameReader, type NatsFrame } from './nats-frames';

function summary(frames: NatsFrame[]) {
  return frames.map((f) =>
    f.kind === 'message'
      ? { op: f.op, subject: f.subject, reply: f.reply, raw: f.raw.toString() }
      : { op: f.op, raw: f.raw.toString() },
  );
}

describe('NatsFrameReader', () => {
  it('cuts control lines and a client PUB, with and without a reply subject, into whole frames', () => {
    const reader = new NatsFrameReader();
    const stream =
      'CONNECT {"verbose":false}\r\nPING\r\nPUB a.b 5\r\nhello\r\nPUB a.c _INBOX.x 2\r\nhi\r\nSUB a.* 1\r\n';
    expect(summary(reader.push(Buffer.from(stream)))).toEqual([
      { op: 'CONNECT', raw: 'CONNECT {"verbose":false}\r\n' },
      { op: 'PING', raw: 'PING\r\n' },
      { op: 'PUB', subject: 'a.b', reply: undefined, raw: 'PUB a.b 5\r\nhello\r\n' },
      { op: 'PUB', subject: 'a.c', reply: '_INBOX.x', raw: 'PUB a.c _INBOX.x 2\r\nhi\r\n' },
      { op: 'SUB', raw: 'SUB a.* 1\r\n' },
    ]);
    expect(reader.buffered).toBe(0);
  });

  it('reads server MSG and HMSG frames, their sid skipped and the reply subject kept', () => {
    const reader = new NatsFrameReader();
    const headers = 'NATS/1.0\r\nA: b\r\n\r\n';
    const hmsg = `HMSG x.y 7 _INBOX.r ${headers.length} ${headers.length + 3}\r\n${headers}abc\r\n`;
    const frames = reader.push(Buffer.from(`INFO {}\r\nMSG x.z 3 4\r\nbody\r\n${hmsg}PONG\r\n`));
    expect(summary(frames)).toEqual([
      { op: 'INFO', raw: 'INFO {}\r\n' },
      { op: 'MSG', subject: 'x.z', reply: undefined, raw: 'MSG x.z 3 4\r\nbody\r\n' },
      { op: 'HMSG', subject: 'x.y', reply: '_INBOX.r', raw: hmsg },
      { op: 'PONG', raw: 'PONG\r\n' },
    ]);
  });

  it('keeps a frame split across chunks, even inside its payload or its CRLF, until it is whole', () => {
    const reader = new NatsFrameReader();
    const stream = Buffer.from('PUB s 10\r\n0123\r\n6789\r\nPING\r\n');
    const frames: NatsFrame[] = [];
    for (let i = 0; i < stream.length; i += 3)
      frames.push(...reader.push(stream.subarray(i, i + 3)));
    expect(summary(frames)).toEqual([
      { op: 'PUB', subject: 's', reply: undefined, raw: 'PUB s 10\r\n0123\r\n6789\r\n' },
      { op: 'PING', raw: 'PING\r\n' },
    ]);
  });

  it('takes a payload with CRLF inside it by its size, not by its line breaks', () => {
    const reader = new NatsFrameReader();
    const [frame] = reader.push(Buffer.from('HPUB h 12 14\r\nNATS/1.0\r\n\r\nok\r\n'));
    expect(frame).toMatchObject({ kind: 'message', op: 'HPUB', subject: 'h' });
    expect(frame.raw.toString()).toBe('HPUB h 12 14\r\nNATS/1.0\r\n\r\nok\r\n');
  });

  it('refuses a message line whose size is not a number, naming the line', () => {
    expect(() => new NatsFrameReader().push(Buffer.from('PUB s many\r\n'))).toThrow(
      '"PUB s many": the size must be a whole number of bytes',
    );
  });

  it('refuses a payload that does not end where its size says', () => {
    expect(() => new NatsFrameReader().push(Buffer.from('PUB s 2\r\nabc\r\n'))).toThrow(
      'does not end with CRLF after 2 bytes',
    );
  });

  it('refuses a message line with too few or too many arguments', () => {
    expect(() => new NatsFrameReader().push(Buffer.from('MSG s 3\r\n'))).toThrow(
      'MSG takes 3 or 4 arguments',
    );
    expect(() => new NatsFrameReader().push(Buffer.from('PUB a b c 3\r\n'))).toThrow(
      'PUB takes 2 or 3 arguments',
    );
  });

  it('refuses a header size larger than the total size', () => {
    expect(() => new NatsFrameReader().push(Buffer.from('HPUB s 9 3\r\n'))).toThrow(
      'the header size must be a whole number up to the total size',
    );
  });
});
