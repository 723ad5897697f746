import { Events, type KV, type KvEntry, type NatsConnection, type QueuedIterator } from 'nats';
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
 * Feeds the board from this host's keys of the discovery bucket (`<host>.<service>`, watched as
 * `<host>.>`: a bus with permissions lets an agent watch nothing else): the value of every key
 * first, then every put as it happens (a JetStream ordered consumer). The board is keyed by service,
 * the host part taken off. Until the bucket can be opened (JetStream not answering yet) it retries
 * with the one backoff; a watch that ends in error (its consumer could not be recreated) is opened
 * afresh the same way. A deleted or purged key drops the service's set (EndpointsBoard.remove): its
 * readers learn it serves nothing.
 */
export class DiscoveryBucketWatcher {
  private watch: QueuedIterator<KvEntry> | undefined;
  private stopped = false;
  private readonly stopping = new AbortController();
  private readonly running: Promise<void>;
  private opened!: () => void;
  private kv: KV | undefined;
  /** When the watched bucket's stream was created: another time means a new bucket. */
  private created: string | undefined;
  /** Resolves once the bucket is watched (every key's value delivered or not, puts to come). */
  readonly ready = new Promise<void>((resolve) => (this.opened = resolve));

  constructor(
    private readonly nc: NatsConnection,
    private readonly bucket: string,
    /** The keys watched: `<host>.>` (Subjects.discoveryKeysOf). */
    private readonly keys: string,
    private readonly board: EndpointsBoard,
    private readonly log: BucketWatcherLog,
  ) {
    this.running = this.run();
    void this.followReconnects();
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

  /**
   * After each reconnect, asks (until the server answers) whether the bucket is still the one being
   * watched: the watch's consumer resumes on a bucket created anew without a word, and would skip
   * its first values. Another creation time ends the watch; the loop opens and watches it afresh.
   */
  private async followReconnects(): Promise<void> {
    try {
      for await (const status of this.nc.status()) {
        if (this.stopped) return;
        if (status.type !== Events.Reconnect) continue;
        for (let attempt = 0; attempt < 120 && !this.stopped; attempt++) {
          try {
            const created = (await this.kv?.status())?.streamInfo.created;
            if (created !== undefined && this.created !== undefined && created !== this.created)
              this.watch?.stop();
            break;
          } catch {
            await sleep(500, this.stopping.signal);
          }
        }
      }
    } catch {
      // The connection closed: nothing more to follow.
    }
  }

  private async run(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const kv = await openKeyValueBucket(this.nc, this.bucket);
        this.kv = kv;
        if (this.stopped) return;
        // A bucket created since the last watch (the server lost its store) holds the truth anew.
        const created = (await kv.status()).streamInfo.created;
        if (this.created !== undefined && created !== this.created) {
          this.log.info({ bucket: this.bucket }, 'the discovery bucket was created anew');
          this.board.recreated();
        }
        this.created = created;
        if (this.stopped) return;
        // A watch of a filtered key names its consumer and its filter in the request's subject (the
        // consumer-create API of nats-server 2.9), which is what a permission can restrict.
        this.watch = await kv.watch({
          key: this.keys,
          initializedFn: () => this.opened(),
        });
        if (this.stopped) {
          this.watch.stop();
          return;
        }
        if (attempt > 0) this.log.info({ bucket: this.bucket }, 'watching the discovery bucket');
        attempt = -1;
        const hostPart = this.keys.length - 1;
        for await (const entry of this.watch) {
          const service = entry.key.slice(hostPart);
          if (!service) continue;
          if (entry.operation === 'PUT') this.board.offer(service, decoder.decode(entry.value));
          else this.board.remove(service);
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
    const done = (): void => {
      clearTimeout(timer);
      abort.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    abort.addEventListener('abort', done, { once: true });
  });
}
