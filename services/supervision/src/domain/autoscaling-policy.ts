/** An application's autoscaling rule (the spec's `scaling`) with its replica bounds. */
export interface ScalingRule {
  scaleOutAbove: number;
  scaleInBelow: number;
  cooldownMs: number;
  min: number;
  max: number;
}

/** What a decision was based on; recorded in ScaledOut / ScaledIn so that it can be explained later. */
export interface ScalingInputs {
  averageLoad: number;
  samples: number;
  windowMs: number;
  threshold: number;
  replicas: number;
  /** scale in only: how long the load has stayed below the threshold. */
  belowForMs?: number;
}

export type ScalingDecision =
  | { kind: 'hold'; reason: string }
  | { kind: 'out' | 'in'; from: number; to: number; inputs: ScalingInputs };

interface Sample {
  at: number;
  load: number;
}

interface AppWindow {
  samples: Sample[];
  /** Since when the window's average has been below scaleInBelow (undefined: it is not). */
  belowSince?: number;
  lastDecisionAt?: number;
}

/**
 * Decides scale-out and scale-in from load samples averaged over a sliding window, with a clock
 * injected by the caller (every method takes `now`). Out: the average exceeds scaleOutAbove and the
 * last decision is at least one window old (so that the new instance is felt). In: the average has
 * stayed below scaleInBelow for the cooldown. Each decision clears the window.
 */
export class AutoscalingPolicy {
  private readonly apps = new Map<string, AppWindow>();

  /** @param windowMs how far back samples count. */
  constructor(readonly windowMs: number) {}

  /** Records one instance's load (0..1) for an application, as an agent reported it. */
  record(app: string, load: number, now: number): void {
    if (!Number.isFinite(load)) return;
    const window = this.window(app);
    window.samples.push({ at: now, load: Math.max(0, load) });
    this.prune(window, now);
  }

  /** The decision for an application running `replicas` instances, at time `now`. */
  decide(app: string, replicas: number, rule: ScalingRule, now: number): ScalingDecision {
    const window = this.window(app);
    this.prune(window, now);
    if (window.samples.length === 0)
      return { kind: 'hold', reason: 'no load samples in the window' };
    const averageLoad = window.samples.reduce((sum, s) => sum + s.load, 0) / window.samples.length;
    const base = { averageLoad, samples: window.samples.length, windowMs: this.windowMs, replicas };

    if (averageLoad < rule.scaleInBelow) window.belowSince ??= now;
    else window.belowSince = undefined;

    if (averageLoad > rule.scaleOutAbove) {
      if (replicas >= rule.max) return { kind: 'hold', reason: `at max (${rule.max})` };
      if (window.lastDecisionAt !== undefined && now - window.lastDecisionAt < this.windowMs) {
        return { kind: 'hold', reason: 'waiting for the last decision to take effect' };
      }
      return this.decided(window, now, {
        kind: 'out',
        from: replicas,
        to: replicas + 1,
        inputs: { ...base, threshold: rule.scaleOutAbove },
      });
    }
    if (window.belowSince !== undefined) {
      const belowForMs = now - window.belowSince;
      if (replicas <= rule.min) return { kind: 'hold', reason: `at min (${rule.min})` };
      if (belowForMs < rule.cooldownMs)
        return { kind: 'hold', reason: 'below the threshold for less than the cooldown' };
      return this.decided(window, now, {
        kind: 'in',
        from: replicas,
        to: replicas - 1,
        inputs: { ...base, threshold: rule.scaleInBelow, belowForMs },
      });
    }
    return { kind: 'hold', reason: 'load within thresholds' };
  }

  /** Forgets an application (service stopped or deleted). */
  forget(app: string): void {
    this.apps.delete(app);
  }

  private decided(window: AppWindow, now: number, decision: ScalingDecision): ScalingDecision {
    window.samples = [];
    window.belowSince = undefined;
    window.lastDecisionAt = now;
    return decision;
  }

  private window(app: string): AppWindow {
    let window = this.apps.get(app);
    if (!window) {
      window = { samples: [] };
      this.apps.set(app, window);
    }
    return window;
  }

  private prune(window: AppWindow, now: number): void {
    const from = now - this.windowMs;
    while (window.samples.length > 0 && window.samples[0].at < from) window.samples.shift();
  }
}
