import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { NatsFrameReader, type NatsFrame } from '../../libs/testing/src/nats-frames';
import {
  checkRates,
  drawFate,
  seededRandom,
  type ChaosRates,
} from '../../libs/testing/src/message-chaos';

/** Which way a frame travels: from the client (PUB, HPUB) or from the server (MSG, HMSG). */
export type Direction = 'to-server' | 'to-client';

/** Counts of what the proxy did to the messages chaos applied to. */
export interface ChaosTally {
  passed: number;
  dropped: number;
  duplicated: number;
  delayed: number;
  reordered: number;
}

export interface NatsChaosProxyOptions {
  /** The messages chaos may touch; the others (and every control line) pass as they came. */
  affects: (subject: string, direction: Direction) => boolean;
  /** The random's seed [FEDERA_CHAOS_SEED, else a new one]; printed, so that a run can be replayed. */
  seed?: number;
}

/**
 * A TCP proxy in front of a NATS server that speaks enough of the client protocol to drop,
 * duplicate, delay and reorder whole messages (libs/testing nats-frames) on chosen subjects, in
 * either direction, while CONNECT, INFO, PING/PONG and subscriptions pass untouched. Point a client
 * at `url` instead of the server's. Plain TCP only (no TLS). Chaos is off until `chaos(rates)`.
 */
export class NatsChaosProxy {
  readonly tally: ChaosTally = { passed: 0, dropped: 0, duplicated: 0, delayed: 0, reordered: 0 };
  private rates: ChaosRates | undefined;
  private readonly random: () => number;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: Server,
    private readonly upstream: { host: string; port: number },
    private readonly options: NatsChaosProxyOptions,
    readonly seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  static async start(upstreamUrl: string, options: NatsChaosProxyOptions): Promise<NatsChaosProxy> {
    const target = new URL(upstreamUrl.replace(/^nats:/, 'http:'));
    const seed =
      options.seed ??
      (process.env.FEDERA_CHAOS_SEED !== undefined
        ? Number(process.env.FEDERA_CHAOS_SEED)
        : Math.floor(Math.random() * 2 ** 32));
    if (!Number.isInteger(seed)) throw new Error('FEDERA_CHAOS_SEED: must be a whole number');
    process.stderr.write(`nats chaos proxy: seed ${seed} (FEDERA_CHAOS_SEED=${seed} replays it)\n`);
    const server = createServer();
    const proxy = new NatsChaosProxy(
      server,
      { host: target.hostname, port: Number(target.port || 4222) },
      options,
      seed,
    );
    server.on('connection', (client) => proxy.relay(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get url(): string {
    const address = this.server.address();
    if (address === null || typeof address === 'string')
      throw new Error('the proxy does not listen');
    return `nats://127.0.0.1:${address.port}`;
  }

  /** Turns chaos on with these rates, or off (undefined): messages in flight still arrive. */
  chaos(rates: ChaosRates | undefined): void {
    this.rates = rates === undefined ? undefined : checkRates(rates);
  }

  /** Ends every connection through it (clients reconnect, through it again). */
  cut(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.rates = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const server = tcpConnect(this.upstream.port, this.upstream.host);
    this.sockets.add(client).add(server);
    const end = () => {
      client.destroy();
      server.destroy();
      this.sockets.delete(client);
      this.sockets.delete(server);
    };
    for (const socket of [client, server]) {
      socket.setNoDelay(true);
      socket.on('error', end);
      socket.on('close', end);
    }
    this.pipe(client, server, 'to-server', end);
    this.pipe(server, client, 'to-client', end);
  }

  /** Reads whole frames from `from` and writes each to `to`, as chaos decides for a message. */
  private pipe(from: Socket, to: Socket, direction: Direction, end: () => void): void {
    const reader = new NatsFrameReader();
    /** A message held back until the next one of this direction has gone by. */
    let held: { frame: NatsFrame; release: NodeJS.Timeout } | undefined;
    const write = (frame: NatsFrame) => {
      if (!to.destroyed) to.write(frame.raw);
    };
    const releaseHeld = () => {
      if (held === undefined) return;
      const { frame, release } = held;
      held = undefined;
      this.forget(release);
      write(frame);
    };
    const later = (ms: number, action: () => void): NodeJS.Timeout => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        action();
      }, ms);
      this.timers.add(timer);
      return timer;
    };
    from.on('data', (chunk: Buffer) => {
      let frames: NatsFrame[];
      try {
        // Copied: a frame may wait in a timer, and the socket's buffer is not ours to keep.
        frames = reader.push(Buffer.from(chunk));
      } catch (error) {
        process.stderr.write(`nats chaos proxy: ${(error as Error).message}; connection cut\n`);
        return end();
      }
      for (const frame of frames) {
        const rates = this.rates;
        if (
          frame.kind !== 'message' ||
          rates === undefined ||
          !this.options.affects(frame.subject, direction)
        ) {
          write(frame);
          if (frame.kind === 'message') releaseHeld();
          continue;
        }
        const fate = drawFate(this.random, rates);
        if (fate.kind === 'drop') {
          this.tally.dropped += 1;
          continue;
        }
        this.tally.passed += 1;
        if (fate.copies === 2) this.tally.duplicated += 1;
        const send = () => {
          for (let copy = 0; copy < fate.copies; copy++) write(frame);
          releaseHeld();
        };
        if (fate.delayMs > 0) {
          this.tally.delayed += 1;
          later(fate.delayMs, send);
        } else if (fate.afterNext && held === undefined) {
          this.tally.reordered += 1;
          // Sent after the next message, or alone if none comes within a second.
          held = { frame, release: later(1000, releaseHeld) };
          if (fate.copies === 2) write(frame);
        } else send();
      }
    });
    from.on('end', () => {
      releaseHeld();
      to.end();
    });
  }

  private forget(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }
}
