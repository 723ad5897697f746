import { processCounts } from '../outage-harness';

/** An instance seen as more than one process, and when. */
export interface Sighting {
  instance: string;
  count: number;
  /** When the sample was taken (ms since the epoch). */
  at: number;
}

/**
 * Reads the process table every `everyMs` while a fault is under way, not only at the end: a second
 * copy started and then stopped would not show on a table read once things have settled. It keeps
 * every instance seen as more than one process, with the time; which of them are the scenario's, and
 * which overlaps are allowed, is for the scenario to judge once it knows its instances. `read`
 * defaults to this machine's `/proc`, which needs neither the database nor the bus, so it samples
 * through a backend's outage too.
 */
export class ProcessSampler {
  readonly sightings: Sighting[] = [];
  /** Samples taken, and how many of them could not be read. */
  samples = 0;
  failed = 0;
  private sampling = true;
  private readonly loop: Promise<void>;

  private constructor(
    private readonly read: () => Promise<Map<string, number>> | Map<string, number>,
    private readonly everyMs: number,
  ) {
    this.loop = this.run();
  }

  static start(
    read: () => Promise<Map<string, number>> | Map<string, number> = processCounts,
    everyMs = 250,
  ): ProcessSampler {
    return new ProcessSampler(read, everyMs);
  }

  /** Stops sampling, once the sample under way is taken. */
  async stop(): Promise<void> {
    this.sampling = false;
    await this.loop;
  }

  /** The instances among `ids` ever seen as more than one process. */
  twiceOf(ids: Iterable<string>): Sighting[] {
    const mine = new Set(ids);
    return this.sightings.filter((s) => mine.has(s.instance));
  }

  private async run(): Promise<void> {
    while (this.sampling) {
      this.samples += 1;
      try {
        const at = Date.now();
        for (const [instance, count] of await this.read())
          if (count > 1) this.sightings.push({ instance, count, at });
      } catch {
        this.failed += 1;
      }
      // Unref'd: a scenario that fails before it stops the sampler is not kept from ending by it.
      await new Promise((resolve) => setTimeout(resolve, this.everyMs).unref());
    }
  }
}
