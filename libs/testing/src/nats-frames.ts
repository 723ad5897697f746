/**
 * The NATS client protocol (https://docs.nats.io/reference/reference-protocols/nats-protocol) cut
 * into whole frames, as far as a proxy that drops, duplicates, delays or reorders messages needs:
 * a message frame (PUB, HPUB from a client; MSG, HMSG from a server) with its subject and payload,
 * every other line (CONNECT, INFO, SUB, UNSUB, PING, PONG, +OK, -ERR) as a control frame. Pure:
 * bytes in, frames out, so that a proxy writes only whole frames, each exactly as it came.
 */

/** Operations that carry a payload after their line. */
export type MessageOp = 'PUB' | 'HPUB' | 'MSG' | 'HMSG';

export type NatsFrame =
  | {
      kind: 'message';
      op: MessageOp;
      subject: string;
      /** The reply subject, when the frame names one. */
      reply?: string;
      /** The whole frame: its line, its headers and payload, and their CRLF. */
      raw: Buffer;
    }
  | {
      kind: 'control';
      /** The operation, upper case (PING, INFO, ...). */
      op: string;
      raw: Buffer;
    };

const CRLF = Buffer.from('\r\n');
/** A protocol line longer than this without its CRLF is no NATS (the server's own max_control_line is 4 KiB). */
const MAX_LINE = 64 * 1024;

/**
 * Cuts a byte stream of one direction into frames. Feed it chunks as they arrive; it answers the
 * frames they completed and keeps the rest for the next chunk. A line it cannot read throws,
 * naming the line: a proxy that guessed would corrupt the stream silently.
 */
export class NatsFrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Bytes received but not yet a whole frame. */
  get buffered(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): NatsFrame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: NatsFrame[] = [];
    let offset = 0;
    for (;;) {
      const frame = readFrame(this.pending, offset);
      if (frame === undefined) break;
      frames.push(frame.frame);
      offset = frame.end;
    }
    this.pending = this.pending.subarray(offset);
    if (this.pending.length > MAX_LINE && this.pending.indexOf(CRLF) < 0)
      throw new Error(`no NATS protocol line ends within ${MAX_LINE} bytes`);
    return frames;
  }
}

function readFrame(buffer: Buffer, start: number): { frame: NatsFrame; end: number } | undefined {
  const lineEnd = buffer.indexOf(CRLF, start);
  if (lineEnd < 0) return undefined;
  const line = buffer.toString('latin1', start, lineEnd);
  const words = line.split(/[ \t]+/).filter((word) => word.length > 0);
  const op = (words[0] ?? '').toUpperCase();
  if (op !== 'PUB' && op !== 'HPUB' && op !== 'MSG' && op !== 'HMSG') {
    const end = lineEnd + CRLF.length;
    return { frame: { kind: 'control', op, raw: buffer.subarray(start, end) }, end };
  }
  const { subject, reply, size } = messageLine(op, words, line);
  const end = lineEnd + CRLF.length + size + CRLF.length;
  if (buffer.length < end) return undefined;
  if (!buffer.subarray(end - CRLF.length, end).equals(CRLF))
    throw new Error(`the payload of "${line}" does not end with CRLF after ${size} bytes`);
  const raw = buffer.subarray(start, end);
  return {
    frame: { kind: 'message', op, subject, ...(reply !== undefined ? { reply } : {}), raw },
    end,
  };
}

/**
 * PUB <subject> [reply] <size>, HPUB <subject> [reply] <header size> <total size>,
 * MSG <subject> <sid> [reply] <size>, HMSG <subject> <sid> [reply] <header size> <total size>.
 */
function messageLine(
  op: MessageOp,
  words: string[],
  line: string,
): { subject: string; reply?: string; size: number } {
  const args = words.slice(1);
  const fixed = (op === 'MSG' || op === 'HMSG' ? 2 : 1) + (op.startsWith('H') ? 2 : 1);
  if (args.length !== fixed && args.length !== fixed + 1)
    throw new Error(`"${line}": ${op} takes ${fixed} or ${fixed + 1} arguments`);
  const size = Number(args[args.length - 1]);
  if (!Number.isInteger(size) || size < 0)
    throw new Error(`"${line}": the size must be a whole number of bytes`);
  if (op.startsWith('H')) {
    const headerSize = Number(args[args.length - 2]);
    if (!Number.isInteger(headerSize) || headerSize < 0 || headerSize > size)
      throw new Error(`"${line}": the header size must be a whole number up to the total size`);
  }
  const hasReply = args.length === fixed + 1;
  const replyIndex = op === 'MSG' || op === 'HMSG' ? 2 : 1;
  return { subject: args[0], ...(hasReply ? { reply: args[replyIndex] } : {}), size };
}
