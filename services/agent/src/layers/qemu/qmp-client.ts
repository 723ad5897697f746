import { EventEmitter } from 'node:events';
import { createConnection, type Socket } from 'node:net';

/** A QMP asynchronous event (STOP, RESUME, SHUTDOWN, MIGRATION, ...) with QEMU's own timestamp. */
export interface QmpEvent {
  event: string;
  data: Record<string, unknown>;
  /** Host wall-clock time at which QEMU emitted the event, in epoch milliseconds (µs precision). */
  atMs: number;
}

/** QEMU answered a command with `{ error: { class, desc } }`. */
export class QmpCommandFailed extends Error {
  constructor(
    readonly command: string,
    readonly errorClass: string,
    desc: string,
  ) {
    super(`QMP ${command} failed: ${errorClass}: ${desc}`);
    this.name = 'QmpCommandFailed';
  }
}

interface Pending {
  command: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A client of the QEMU Machine Protocol over a unix socket: greeting and capabilities
 * negotiation, commands correlated by `id`, and asynchronous events emitted as `event`.
 * Emits `close` once when the socket ends (QEMU quit or died).
 */
export class QmpClient extends EventEmitter {
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  private buffer = '';
  private closed = false;

  private constructor(private readonly socket: Socket) {
    super();
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.onClose());
  }

  /** Connects, waits for the greeting and leaves capabilities-negotiation mode. */
  static async connect(socketPath: string, timeoutMs = 5_000): Promise<QmpClient> {
    const socket = await openSocket(socketPath, timeoutMs);
    const client = new QmpClient(socket);
    try {
      await client.greeting(timeoutMs);
      await client.execute('qmp_capabilities', undefined, timeoutMs);
      return client;
    } catch (error) {
      client.close();
      throw error;
    }
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Runs one command and answers its `return` value; rejects on a QMP error, timeout or closed socket. */
  execute<T = unknown>(
    command: string,
    args?: Record<string, unknown>,
    timeoutMs = 10_000,
  ): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`QMP ${command}: connection closed`));
    const id = `federa-${this.nextId++}`;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`QMP ${command}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject, timer });
      const message = args ? { execute: command, arguments: args, id } : { execute: command, id };
      this.socket.write(`${JSON.stringify(message)}\n`);
    });
  }

  /** Resolves with the next event named `name` (and matching `accept`), or rejects after `timeoutMs`. */
  nextEvent(name: string, timeoutMs: number, accept?: (e: QmpEvent) => boolean): Promise<QmpEvent> {
    return new Promise((resolve, reject) => {
      const onEvent = (e: QmpEvent) => {
        if (e.event !== name || (accept && !accept(e))) return;
        cleanup();
        resolve(e);
      };
      const onClose = () => {
        cleanup();
        reject(new Error(`QMP connection closed while waiting for ${name}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${name} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('event', onEvent);
        this.off('close', onClose);
      };
      this.on('event', onEvent);
      this.once('close', onClose);
    });
  }

  /** Resolves once the socket has closed. */
  closedPromise(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.once('close', () => resolve()));
  }

  close(): void {
    this.socket.destroy();
  }

  private greeting(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no QMP greeting')), timeoutMs);
      this.once('greeting', () => {
        clearTimeout(timer);
        resolve();
      });
      this.once('close', () => {
        clearTimeout(timer);
        reject(new Error('QMP connection closed before the greeting'));
      });
    });
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line) this.dispatch(line);
    }
  }

  private dispatch(line: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // QEMU only writes JSON; a torn line cannot be correlated to anything
    }
    if ('QMP' in message) {
      this.emit('greeting', message.QMP);
      return;
    }
    if (typeof message.event === 'string') {
      const ts = message.timestamp as { seconds?: number; microseconds?: number } | undefined;
      const atMs =
        ts?.seconds !== undefined ? ts.seconds * 1000 + (ts.microseconds ?? 0) / 1000 : Date.now();
      const event: QmpEvent = {
        event: message.event,
        data: (message.data as Record<string, unknown>) ?? {},
        atMs,
      };
      this.emit('event', event);
      return;
    }
    const id = typeof message.id === 'string' ? message.id : undefined;
    const pending = id ? this.pending.get(id) : undefined;
    if (!id || !pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if ('error' in message) {
      const error = message.error as { class?: string; desc?: string };
      pending.reject(
        new QmpCommandFailed(pending.command, error.class ?? 'Error', error.desc ?? ''),
      );
    } else {
      pending.resolve(message.return);
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(id);
      // `quit` legitimately closes the socket before (or instead of) answering
      if (pending.command === 'quit') pending.resolve({});
      else pending.reject(new Error(`QMP ${pending.command}: connection closed`));
    }
    this.emit('close');
  }
}

/** Connects to a unix socket, retrying while QEMU has not created it yet. */
async function openSocket(socketPath: string, timeoutMs: number): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = createConnection(socketPath);
        socket.once('connect', () => {
          socket.off('error', reject);
          resolve(socket);
        });
        socket.once('error', reject);
      });
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`cannot connect to QMP socket ${socketPath}: ${(error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
