import { drainOrder, type DrainBlockedInstance, type InstanceState } from '@federa/contracts';
import { retryAfter, type EndedMove } from './drain-retry';

/** What the drain needs of an application's spec. */
export interface AppRules {
  service: string;
  app: string;
  dependsOn: readonly string[];
  /** replicas.min */
  min: number;
  /** placement.relocatable */
  relocatable: boolean;
  /** It declares `data`: a move stops it, copies its data and starts it again (a cold move). */
  stateful: boolean;
}

/** An instance that runs (or is about to) on the draining host. */
export interface HostInstance {
  instance: string;
  service: string;
  app: string;
  status: InstanceState;
}

/** A migration off the draining host: any in flight, and those this drain started. */
export interface DrainMove {
  migration: string;
  instance: string;
  status: 'active' | 'succeeded' | 'failed' | 'rolled-back';
  /** Started by this drain (reason `drain`, after its HostDrainStarted). */
  byThisDrain: boolean;
  /** Why it failed or was rolled back. */
  why?: string;
  /** When the log recorded its end (ms since the epoch): a retry's backoff counts from it. */
  endedAt?: number;
}

/** Everything one step of a drain is decided from. */
export interface DrainSituation {
  host: string;
  /** The instances the drain began with (HostDrainStarted), with their application where known. */
  startedWith: { instance: string; service: string; app: string }[];
  deadlineAt?: string;
  now: number;
  /** FEDERA_DRAIN_MAX_PARALLEL: moves off the host at a time. */
  maxParallel: number;
  onHost: HostInstance[];
  /** The rules of every application of the services that have an instance on the host. */
  apps: AppRules[];
  /** Live and healthy instances of each application, cluster-wide. */
  replicas: { service: string; app: string; live: number; healthy: number }[];
  moves: DrainMove[];
  /** Instances placement found no host for at the last attempt, with its words. */
  refusals: ReadonlyMap<string, string>;
  /** When the drain first saw each instance on the host not running (ms since the epoch). */
  notRunningSince?: ReadonlyMap<string, number>;
}

/** How long an instance may stay not running on a draining host before the drain lists it. */
export const notRunningBoundMs = 60_000;

/** What to do next for one drain. */
export type DrainStep =
  | {
      outcome: 'evacuating';
      /** Instances to move, in order; start them until `slots` moves began (a refusal frees its slot). */
      candidates: string[];
      slots: number;
      /** What cannot move now, with why (HostDrainBlocked). */
      blocked: DrainBlockedInstance[];
    }
  | { outcome: 'drained'; evacuated: string[]; notRelocatable: string[] }
  | { outcome: 'timed-out'; evacuated: string[]; remaining: DrainBlockedInstance[] };

/** States in which an instance can be moved (MigrationStarter's rule). */
const movable: ReadonlySet<InstanceState> = new Set(['running', 'healthy', 'unhealthy']);

const keyOf = (service: string, app: string) => `${service}/${app}`;

/**
 * Decides a drain's next step (docs/adr/drain-evacuation.md). The drain is over when nothing runs on
 * the host and nothing moves off it; past its deadline it ends listing what stayed. Otherwise every
 * instance on the host is one of: moving; blocked (not relocatable, its last move by this drain
 * failed, or was rolled back for a reason other than an end not answering, or after its last retry;
 * no feasible host; the disruption budget); waiting (not running yet, the retry of its rolled-back
 * move not due yet, its dependents still to move, no free slot); or a candidate. What blocks is
 * listed, and so is what has waited past `notRunningBoundMs` on something that does not run
 * (itself, or a dependent). Dependents move before what they depend on; an application with more
 * than one replica is never taken below replicas.min healthy by a move that stops it; a
 * single-replica application moves anyway (its downtime is recorded on its migration).
 */
export function decideDrainStep(situation: DrainSituation): DrainStep {
  const { moves, onHost } = situation;
  const evacuated = unique(
    moves.filter((m) => m.byThisDrain && m.status === 'succeeded').map((m) => m.instance),
  );
  const inFlight = new Map(moves.filter((m) => m.status === 'active').map((m) => [m.instance, m]));
  const rules = new Map(situation.apps.map((a) => [keyOf(a.service, a.app), a]));
  const rulesOf = (i: { service: string; app: string }) => rules.get(keyOf(i.service, i.app));

  if (onHost.length === 0 && inFlight.size === 0) {
    const notRelocatable = situation.startedWith
      .filter((i) => rulesOf(i)?.relocatable === false && !evacuated.includes(i.instance))
      .map((i) => i.instance);
    return { outcome: 'drained', evacuated, notRelocatable };
  }

  // Candidates come in the drain's order, the one its dry run lists.
  const ordered = drainOrder(onHost, (service) =>
    situation.apps.filter((a) => a.service === service).map((a) => ({ ...a, name: a.app })),
  );
  const standing = ordered.map((i) => ({ ...i, hold: holdOf(i, situation, inFlight, rulesOf) }));
  // Dependents first: an application waits while an instance of one that depends on it, in its
  // service and on this host, still has to move (or moves now). A blocked dependent holds nothing.
  const stillToMove = standing.filter((i) => !i.hold || i.hold.kind !== 'blocked');
  const candidates: string[] = [];
  const blocked: DrainBlockedInstance[] = [];
  /** Why each instance is still on the host, as a timed-out drain lists it. */
  const why = new Map<string, string>();
  const taken = new Map<string, number>();
  const stalled = (i: (typeof standing)[number]) =>
    i.hold?.kind === 'waiting' &&
    situation.now - (situation.notRunningSince?.get(i.instance) ?? situation.now) >=
      notRunningBoundMs;
  for (const i of standing) {
    if (i.hold) {
      why.set(i.instance, i.hold.reason);
      // What waits too long to run can hold the drain for good: it is listed, as what blocks is.
      if (i.hold.kind === 'blocked' || stalled(i)) blocked.push(blockedEntry(i, i.hold.reason));
      continue;
    }
    const dependents = dependentsOf(i.service, i.app, situation.apps);
    const holders = stillToMove.filter((o) => o.service === i.service && dependents.has(o.app));
    if (holders.length > 0) {
      const reason = `waits for its dependents to move first: ${holders.map((o) => o.instance).join(', ')}`;
      why.set(i.instance, reason);
      // Waiting on a dependent that moves or is about to is progress; on one that cannot run, a stall.
      if (holders.some(stalled)) blocked.push(blockedEntry(i, reason));
      continue;
    }
    const app = rulesOf(i)!;
    const budget = budgetRefusal(i, app, situation, taken.get(keyOf(i.service, i.app)) ?? 0);
    if (budget) {
      why.set(i.instance, budget);
      blocked.push(blockedEntry(i, budget));
      continue;
    }
    if (app.stateful && i.status === 'healthy') {
      taken.set(keyOf(i.service, i.app), (taken.get(keyOf(i.service, i.app)) ?? 0) + 1);
    }
    candidates.push(i.instance);
    const refusal = situation.refusals.get(i.instance);
    why.set(i.instance, refusal ?? 'waiting for a slot');
    // Placement's answer may change (a host added, another freed): the instance is tried again.
    if (refusal) blocked.push(blockedEntry(i, refusal));
  }
  if (situation.deadlineAt !== undefined && situation.now >= Date.parse(situation.deadlineAt)) {
    return {
      outcome: 'timed-out',
      evacuated,
      remaining: standing
        .map((i) => blockedEntry(i, why.get(i.instance)!))
        .sort((a, b) => a.instance.localeCompare(b.instance)),
    };
  }
  return {
    outcome: 'evacuating',
    candidates,
    slots: Math.max(0, situation.maxParallel - inFlight.size),
    blocked: blocked.sort((a, b) => a.instance.localeCompare(b.instance)),
  };
}

type Hold = { kind: 'moving' | 'waiting' | 'blocked'; reason: string };

/** Why an instance is not a candidate by itself (its dependents and the budget come after). */
function holdOf(
  i: HostInstance,
  situation: DrainSituation,
  inFlight: ReadonlyMap<string, DrainMove>,
  rulesOf: (i: HostInstance) => AppRules | undefined,
): Hold | undefined {
  const moving = inFlight.get(i.instance);
  if (moving) return { kind: 'moving', reason: `moving (migration ${moving.migration})` };
  const app = rulesOf(i);
  if (!app) return { kind: 'blocked', reason: `no spec for ${i.service}/${i.app}` };
  if (!app.relocatable) return { kind: 'blocked', reason: 'not relocatable' };
  // Its moves in flight were seen above: what this drain started for it has ended.
  const tried = situation.moves.filter(
    (m): m is DrainMove & EndedMove =>
      m.byThisDrain && m.instance === i.instance && m.status !== 'active',
  );
  const last = tried.at(-1);
  if (last && last.status !== 'succeeded') {
    // A move rolled back because an end did not answer in time is tried again, after a backoff.
    const retry = retryAfter(tried, situation.now);
    if (retry.kind === 'blocked') return { kind: 'blocked', reason: retry.reason };
    if (retry.kind === 'wait') return { kind: 'waiting', reason: retry.reason };
  }
  if (!movable.has(i.status)) {
    return { kind: 'waiting', reason: `${i.status}: not running, so it cannot move until it runs` };
  }
  return undefined;
}

/**
 * The disruption budget: a move that stops a healthy replica (a cold move of an application with
 * data) must leave its application at least replicas.min healthy, unless it has a single replica.
 * `alreadyTaken`: healthy replicas of the same application this step already chose to move.
 */
function budgetRefusal(
  i: HostInstance,
  app: AppRules,
  situation: DrainSituation,
  alreadyTaken: number,
): string | undefined {
  if (!app.stateful || i.status !== 'healthy') return undefined;
  const count = situation.replicas.find((r) => r.service === i.service && r.app === i.app);
  if (!count || count.live <= 1) return undefined;
  const healthy = count.healthy - alreadyTaken;
  if (healthy - 1 >= app.min) return undefined;
  return `disruption budget: ${i.app} has ${healthy} healthy of replicas.min ${app.min}; moving this one would leave ${healthy - 1}`;
}

/** The applications of the service that depend on `app`, directly or through others. */
function dependentsOf(service: string, app: string, apps: readonly AppRules[]): Set<string> {
  const found = new Set<string>();
  const queue = [app];
  while (queue.length > 0) {
    const target = queue.pop()!;
    for (const a of apps) {
      if (a.service === service && a.dependsOn.includes(target) && !found.has(a.app)) {
        found.add(a.app);
        queue.push(a.app);
      }
    }
  }
  return found;
}

function blockedEntry(i: HostInstance, reason: string): DrainBlockedInstance {
  return { instance: i.instance, service: i.service, app: i.app, reason };
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
