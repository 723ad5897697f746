import type { KvEntry, NatsConnection, QueuedIterator } from 'nats';
// The file, not the @federa/messaging index: the index also loads Nest (~20 MB the agent never uses).
import { openKeyValueBucket } from '../../../../libs/messaging/src/jetstream/key-value-bucket';
import { backoffDelayMs } from '@federa/runtime/backoff';
import type { EndpointsBoard } from './endpoints-board';

export interface BucketWatcherLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

const RETRY = { baseMs: 250, maxMs: 5_000 };
const STOP_WAIT_MS = 1_000;
const decoder = new TextDecoder();

/**
 * Feeds the board from the discovery bucket: the value of every key first, then every put as it
 * happens (a JetStream ordered consumer, which resumes by itself across reconnects). Until the
 * bucket can be opened (JetStream not answering yet) it retries with the one backoff. A deleted or
 * purged key drops the service's set (EndpointsBoard.remove): its readers learn it serves nothing.
 */
export class DiscoveryBucketWatcher {
  private watch: QueuedIterator<KvEntry> | undefined;
  private stopped = false;
  private readonly stopping = new AbortController();
  private readonly running: Promise<void>;
  private opened!: () => void;
  /** Resolves once the bucket is watched (every key's value delivered or not, puts to come). */
  readonly ready = new Promise<void>((resolve) => (this.opened = resolve));

  constructor(
    private readonly nc: NatsConnection,
    private readonly bucket: string,
    private readonly board: EndpointsBoard,
    private readonly log: BucketWatcherLog,
  ) {
    this.running = this.run();
  }

  /**
   * Stops watching; resolves once the watch loop ended, or after a second when it waits on a
   * JetStream request that only its timeout will end (the bus is down): the loop returns then.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    this.watch?.stop();
    this.opened();
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([
      this.running,
      new Promise((resolve) => (waited = setTimeout(resolve, STOP_WAIT_MS))),
    ]);
    clearTimeout(waited);
  }

  private async run(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const kv = await openKeyValueBucket(this.nc, this.bucket);
        if (this.stopped) return;
        this.watch = await kv.watch({
          key: '>',
          initializedFn: () => this.opened(),
        });
        if (this.stopped) {
          this.watch.stop();
          return;
        }
        if (attempt > 0) this.log.info({ bucket: this.bucket }, 'watching the discovery bucket');
        attempt = -1;
        for await (const entry of this.watch) {
          if (entry.operation === 'PUT') this.board.offer(entry.key, decoder.decode(entry.value));
          else this.board.remove(entry.key);
        }
      } catch (error) {
        if (this.stopped) return;
        this.log.warn(
          { err: error, bucket: this.bucket, attempt },
          'cannot watch the discovery bucket yet; retrying',
        );
      }
      if (this.stopped) return;
      await sleep(backoffDelayMs(Math.max(attempt, 0), RETRY), this.stopping.signal);
    }
  }
}

function sleep(ms: number, abort: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    abort.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
