/**
 * How many requests of a class the gateway serves at once, adjusted to what the machine can take
 * now (docs/adr/load-shedding.md): additive increase, multiplicative decrease on latency, as TCP
 * does on loss and as Netflix's concurrency-limits and Envoy's adaptive concurrency do for servers.
 * Every `windowMs` the answers of the window are looked at: when their p90 exceeded the target,
 * more requests at once only wait longer inside (Little's law), so the limit shrinks by a tenth;
 * when they were fast and the limit was reached (requests had to wait), it grows by one.
 */
export interface AdaptiveLimitSettings {
  /** The limit never goes below this: some requests are always served. */
  min: number;
  /** Nor above this (the configured concurrency). */
  max: number;
  /** p90 of a window's answers above which the limit shrinks. */
  latencyTargetMs: number;
  windowMs: number;
}

/** Answers needed before a window says anything: one slow answer is not a trend. */
const minSamples = 5;
/**
 * Gentle, as Netflix's AIMD limit (0.9): a window of slow answers is as often a neighbour's burst
 * on the CPU as too many requests, and a deep cut would serve far fewer than the machine can.
 */
const decrease = 0.9;

export class AdaptiveLimit {
  private current: number;
  private windowStart: number;
  private samples: number[] = [];
  private saturated = false;

  constructor(
    readonly settings: AdaptiveLimitSettings,
    now: number,
  ) {
    this.current = settings.max;
    this.windowStart = now;
  }

  get limit(): number {
    return this.current;
  }

  /** A request had to wait or was refused: the limit, not the load, held it back. */
  reached(): void {
    this.saturated = true;
  }

  /**
   * An answer took `latencyMs` from admission. It closes the window before it when that is due
   * (and had enough answers), and counts in the next one.
   */
  record(latencyMs: number, now: number): void {
    if (now - this.windowStart >= this.settings.windowMs && this.samples.length >= minSamples) {
      this.closeWindow(now);
    }
    this.samples.push(latencyMs);
  }

  private closeWindow(now: number): void {
    const sorted = this.samples.sort((a, b) => a - b);
    const p90 = sorted[Math.ceil(sorted.length * 0.9) - 1];
    if (p90 > this.settings.latencyTargetMs) {
      this.current = Math.max(this.settings.min, Math.floor(this.current * decrease));
    } else if (this.saturated) {
      this.current = Math.min(this.settings.max, this.current + 1);
    }
    this.samples = [];
    this.saturated = false;
    this.windowStart = now;
  }
}
