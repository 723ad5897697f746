/**
 * At most one re-registration notice per host every `intervalMs`: an agent refused on every
 * heartbeat needs one notice to act on, and another only if that one was lost. Hosts asked long
 * ago are forgotten as new ones are asked, so the map stays as big as the hosts refused lately.
 */
export class ReregisterThrottle {
  private readonly askedAt = new Map<string, number>();

  constructor(private readonly intervalMs = 1000) {}

  /** Whether to ask `host` now; when it answers true, the host counts as asked at `now`. */
  take(host: string, now: number): boolean {
    const last = this.askedAt.get(host);
    if (last !== undefined && now - last < this.intervalMs) return false;
    // Insertion order is ask order: drop the stale heads before noting this ask.
    this.askedAt.delete(host);
    for (const [asked, at] of this.askedAt) {
      if (now - at < this.intervalMs) break;
      this.askedAt.delete(asked);
    }
    this.askedAt.set(host, now);
    return true;
  }

  get size(): number {
    return this.askedAt.size;
  }
}
