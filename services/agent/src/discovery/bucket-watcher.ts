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
const decoder = new TextDecoder();

/**
 * Feeds the board from the discovery bucket: the value of every key first, then every put as it
 * happens (a JetStream ordered consumer, which resumes by itself across reconnects). Until the
 * bucket can be opened (JetStream not answering yet) it retries with the one backoff. A deleted key
 * leaves the last set held: a service that is gone has no readers left to tell.
 */
export class DiscoveryBucketWatcher {
  private watch: QueuedIterator<KvEntry> | undefined;
  private stopped = false;
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

  /** Stops watching; resolves once the watch loop ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watch?.stop();
    this.opened();
    await this.running;
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
        if (attempt > 0) this.log.info({ bucket: this.bucket }, 'watching the discovery bucket');
        attempt = -1;
        for await (const entry of this.watch) {
          if (entry.operation !== 'PUT') continue;
          this.board.offer(entry.key, decoder.decode(entry.value));
        }
      } catch (error) {
        if (this.stopped) return;
        this.log.warn(
          { err: error, bucket: this.bucket, attempt },
          'cannot watch the discovery bucket yet; retrying',
        );
      }
      if (this.stopped) return;
      await sleep(backoffDelayMs(Math.max(attempt, 0), RETRY));
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
