import { ErrorCodes, FederaError, type EventPage } from '@federa/contracts';
import type { SimFleet } from '../../../services/agent/src';
import type { ApiClient } from '../api-client';
import { isPassing, readEventFeed } from '../event-feed';
import {
  allocationsOverCapacity,
  compareOutcomes,
  refusedStepDifference,
  type Difference,
} from './domain/compare-outcomes';
import { LagTracker } from './domain/lag-tracker';
import { foldOutcome } from './domain/outcome';
import { dueMs, percentile, type Pacing } from './domain/pacing';
import { isMoving } from './domain/quiescence';
import type { Recording } from './domain/recording';
import { planReplay, type MigrateStep, type ReplayStep } from './domain/replay-plan';
import { readAll, readTargetOutcome, type TargetReading } from './target-outcome';
import type { ReplayProgress } from './replay-progress';
import { startSimulatedAgents, type AgentBus } from './simulated-agents';

export interface ReplayRunOptions {
  client: ApiClient;
  recording: Recording;
  pacing: Pacing;
  /**
   * How long the simulated hosts may take to connect and register, how long the target may take to
   * come to rest once every step is driven, and how long a command's event may take to show.
   */
  timeoutMs: number;
  bus: AgentBus;
  /** The progress line, and the warnings written above it (a refused command, a dropped feed). */
  progress: ReplayProgress;
}

/** A step the target refused or the replay could not drive. */
export interface RefusedStep {
  step: string;
  position: number;
  reason: string;
}

/** What a replay measured and found. */
export interface ReplayReport {
  /** Recorded events whose steps were driven (all of them, once the replay ends). */
  events: number;
  /** Steps driven: commands, moves, faults. */
  steps: number;
  elapsedMs: number;
  /** Events the target's log recorded while the replay ran, and per second over the whole run. */
  targetEvents: number;
  eventsPerSecond: number;
  /** Over the REST calls that got an answer (accepted or refused); null when none did. */
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  /** REST calls that got no answer (the target unreachable, timed out). */
  restFailed: number;
  /** From a command's acknowledgement to its own event in the target's feed; null with `lagUnavailable`. */
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  /** Why lag is null: the feed was lost, or no command's event was seen. */
  lagUnavailable?: string;
  /** Commands answered whose event the target's feed never showed (within the timeout). */
  lagMissing: number;
  /** Steps the target refused or that could not be driven: each is a difference too. */
  refused: RefusedStep[];
  /** What the replay changed in recorded specs for its simulated workloads, one line each. */
  rewrites: string[];
  /** Whether the target came to rest (or matched the recording) before the timeout. */
  settled: boolean;
  differences: Difference[];
}

/** How often the target is read while waiting for it to come to rest. */
const settlePollMs = 1_000;
/** How long an unchanged target that is not moving is watched before it counts as at rest. */
const restMs = 5_000;
/** How often the progress line is recomputed (its percentiles sort every sample). */
const showEveryMs = 250;

/**
 * Replays a recording into the target: simulated agents for its hosts (bounded by the timeout),
 * then each step at its time, each REST call's latency and each command's lag in the target's log
 * measured, then a wait for the target to match the recording or come to rest (bounded by
 * `timeoutMs`), and the comparison of the two outcomes with every host's allocation checked against
 * its capacity; every refused step is a difference.
 */
export async function runReplay(options: ReplayRunOptions): Promise<ReplayReport> {
  const { client, recording, progress } = options;
  const warn = (line: string) => progress.log(line);
  const plan = planReplay(recording.events);
  const recorded = foldOutcome(recording.events);
  const lag = new LagTracker(options.timeoutMs);
  const latencies: number[] = [];
  let restFailed = 0;
  const refused: RefusedStep[] = [];
  const startedAt = Date.now();
  const feedStop = new AbortController();
  const head = await logHead(client, 0);
  let feedLost: string | undefined;
  const feed = readEventFeed(client, {
    after: head,
    signal: feedStop.signal,
    onEvent: (event) => lag.observe(event.type, event.streamId, Date.now()),
    onReconnect: ({ delayMs }) =>
      warn(`the target's event feed dropped; resuming in ${delayMs} ms`),
  }).catch((error: unknown) => {
    feedLost = `the target's event feed ended: ${(error as Error).message}`;
    warn(feedLost);
  });
  let fleet: SimFleet | undefined;
  for (const line of plan.rewrites) warn(line);
  /** A REST call, timed when it gets an answer; one without an answer is counted apart. */
  const timed = async <T>(call: () => Promise<T>): Promise<T> => {
    const sentAt = Date.now();
    try {
      const answer = await call();
      latencies.push(Date.now() - sentAt);
      return answer;
    } catch (error) {
      // An error the API answered (refused, overloaded) got an answer; a network failure did not.
      if (error instanceof FederaError) latencies.push(Date.now() - sentAt);
      else restFailed++;
      throw error;
    }
  };
  try {
    if (plan.hosts.length > 0) {
      progress.show(`starting ${plan.hosts.length} simulated hosts`);
      const deadline = Date.now() + options.timeoutMs;
      fleet = await startSimulatedAgents(plan.hosts, options.bus, {
        deadline,
        timeoutMs: options.timeoutMs,
        log: warn,
      });
      await waitForHosts(
        client,
        plan.hosts.map((h) => h.config.host),
        deadline,
        options.timeoutMs,
      );
    }
    const driveStart = Date.now();
    // Steps are in log order: the events replayed so far are counted by an index that only advances.
    let replayed = 0;
    let shownAt = -Infinity;
    const show = (done: number) => {
      const now = Date.now();
      if (done < plan.steps.length && now - shownAt < showEveryMs) return;
      shownAt = now;
      const seconds = Math.max(0.001, (now - startedAt) / 1000);
      progress.show(
        `replaying: ${replayed}/${recording.events.length} events · ${done}/${plan.steps.length} steps · ` +
          `target ${(lag.seen / seconds).toFixed(1)} events/s · REST p50 ${percentile(latencies, 50)} ms ` +
          `p99 ${percentile(latencies, 99)} ms · lag ${lag.currentMs(now)} ms` +
          (refused.length > 0 ? ` · ${refused.length} refused` : ''),
      );
    };
    for (const [index, step] of plan.steps.entries()) {
      await sleepUntil(driveStart + dueMs(options.pacing, step.atMs, index));
      // Only REST commands are lag samples: a fault shows after the target's failure detection, a
      // re-enacted failure after its wait. Moves and failures are of instances whose ids differ.
      const expected =
        step.kind === 'call' || step.kind === 'migrate'
          ? lag.expect(step.type, step.kind === 'migrate' ? undefined : step.streamId)
          : undefined;
      try {
        await drive(client, fleet, step, options.timeoutMs, timed);
        if (expected) lag.acknowledged(expected, Date.now());
      } catch (error) {
        if (expected) lag.forget(expected);
        const reason = (error as Error).message;
        refused.push({ step: describe(step), position: step.position, reason });
        warn(`${describe(step)} (recorded at position ${step.position}): ${reason}`);
      }
      while (
        replayed < recording.events.length &&
        recording.events[replayed].position <= step.position
      )
        replayed++;
      show(index + 1);
    }
    replayed = recording.events.length;
    const { reading, settled } = await settle(client, recorded, options, progress);
    lag.finish();
    if (lag.missing > 0)
      warn(
        `${lag.missing} commands were answered but the target's feed never showed their event ` +
          `(no-ops in the target?): not counted in lag`,
      );
    const differences = [
      ...refused.map((r) => refusedStepDifference(r.step, r.position, r.reason)),
      ...compareOutcomes(recorded, reading.outcome),
      ...allocationsOverCapacity(reading.allocations),
    ];
    const elapsedMs = Date.now() - startedAt;
    // Without the feed, the events the target recorded are counted from its log instead.
    const targetEvents =
      feedLost === undefined ? lag.seen : await countAfter(client, head).catch(() => lag.seen);
    const lagUnavailable =
      feedLost ??
      (lag.samples.length === 0 ? "the target's feed showed no command's event" : undefined);
    const lagOf = (p: number) => (lagUnavailable ? null : percentile(lag.samples, p));
    const latencyOf = (p: number) => (latencies.length === 0 ? null : percentile(latencies, p));
    return {
      events: replayed,
      steps: plan.steps.length,
      elapsedMs,
      targetEvents,
      eventsPerSecond: Math.round((targetEvents / Math.max(0.001, elapsedMs / 1000)) * 10) / 10,
      latencyP50Ms: latencyOf(50),
      latencyP99Ms: latencyOf(99),
      restFailed,
      lagP50Ms: lagOf(50),
      lagP99Ms: lagOf(99),
      ...(lagUnavailable ? { lagUnavailable } : {}),
      lagMissing: lag.missing,
      refused,
      rewrites: plan.rewrites,
      settled,
      differences,
    };
  } finally {
    progress.end();
    feedStop.abort();
    await feed;
    await fleet?.stop();
  }
}

/** The position of the target log's last event after `after`: the feed follows what comes after it. */
async function logHead(client: ApiClient, after: number): Promise<number> {
  for (;;) {
    const page = await client.get<EventPage>(`/v1/events?after=${after}&limit=1000`);
    if (page.items.length < 1000) return page.items.at(-1)?.position ?? after;
    after = page.next;
  }
}

/** How many events the target's log holds after `after`. */
async function countAfter(client: ApiClient, after: number): Promise<number> {
  let count = 0;
  for (;;) {
    const page = await client.get<EventPage>(`/v1/events?after=${after}&limit=1000`);
    count += page.items.length;
    if (page.items.length < 1000) return count;
    after = page.next;
  }
}

/** Waits until the target lists every simulated host as ready, until the deadline. */
async function waitForHosts(
  client: ApiClient,
  hosts: string[],
  deadline: number,
  timeoutMs: number,
): Promise<void> {
  for (;;) {
    const listed = await readAll<{ id: string; state: string }>(client, '/v1/hosts').catch(
      (error: unknown) => {
        if (isPassing(error) && Date.now() < deadline) return [];
        throw error;
      },
    );
    const ready = new Set(listed.filter((h) => h.state === 'ready').map((h) => h.id));
    const missing = hosts.filter((h) => !ready.has(h));
    if (missing.length === 0) return;
    if (Date.now() > deadline)
      throw new FederaError(
        ErrorCodes.unavailable,
        `${missing.length} of ${hosts.length} simulated hosts registered but not listed ready by ` +
          `the target within ${Math.round(timeoutMs / 1000)}s: ${missing.join(', ')}`,
      );
    await sleep(250);
  }
}

async function drive(
  client: ApiClient,
  fleet: SimFleet | undefined,
  step: ReplayStep,
  waitMs: number,
  timed: <T>(call: () => Promise<T>) => Promise<T>,
) {
  switch (step.kind) {
    case 'call':
      await timed(() => client.request(step.method, step.path, step.body));
      return;
    case 'migrate':
      await migrate(client, step, timed);
      return;
    case 'fault': {
      const answer = fleet?.inject(step.host, { fault: step.fault }) as
        { ok?: boolean } | undefined;
      if (!answer?.ok) throw new Error(`the simulated host ${step.host} took no ${step.fault}`);
      return;
    }
    case 'fail-instance': {
      // Driven faster than recorded, the failure may come before the instance it fails runs: it
      // waits for one (bounded), as the recording's failure came to an instance that ran.
      const deadline = Date.now() + waitMs;
      while (!fleet?.failInstanceOf(step.service, step.app, step.host)) {
        if (Date.now() > deadline)
          throw new Error(`no instance of ${step.service}/${step.app} ran to fail`);
        await sleep(200);
      }
    }
  }
}

/**
 * Moves an instance of the recorded move's application, from its recorded host when one is there,
 * live or cold as recorded; only the move's POST is timed (not the read that finds the instance).
 */
async function migrate(
  client: ApiClient,
  step: MigrateStep,
  timed: <T>(call: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const query = `service=${encodeURIComponent(step.service)}&app=${encodeURIComponent(step.app)}`;
  const live = await readAll<{ id: string; host: string | null; state: string }>(
    client,
    `/v1/instances?${query}`,
  );
  const serving = live.filter((i) => i.state === 'healthy' || i.state === 'running');
  const instance =
    serving.find((i) => i.host === step.from) ?? serving.find((i) => i.host !== step.to);
  if (!instance) throw new Error(`no running instance of ${step.service}/${step.app} to move`);
  await timed(() =>
    client.post(`/v1/instances/${encodeURIComponent(instance.id)}/migrate`, {
      to: step.to,
      mode: step.live ? 'live' : 'cold',
    }),
  );
}

function describe(step: ReplayStep): string {
  switch (step.kind) {
    case 'call':
      return `${step.method} ${step.path}`;
    case 'migrate':
      return `move of ${step.service}/${step.app} from ${step.from} to ${step.to}`;
    case 'fault':
      return `${step.fault} of simulated host ${step.host}`;
    case 'fail-instance':
      return `failure of an instance of ${step.service}/${step.app}`;
  }
}

/**
 * Reads the target until it matches the recording, or rests (nothing moving, unchanged for a
 * while), or the timeout passes; answers the last reading and whether it came to an end in time.
 */
async function settle(
  client: ApiClient,
  recorded: ReturnType<typeof foldOutcome>,
  options: ReplayRunOptions,
  progress: ReplayProgress,
): Promise<{ reading: TargetReading; settled: boolean }> {
  const started = Date.now();
  let last = '';
  let unchangedSince = started;
  let reading: TargetReading | undefined;
  for (;;) {
    try {
      reading = await readTargetOutcome(client);
    } catch (error) {
      // A target shedding load or restarting is read again; anything else ends the replay.
      if (!isPassing(error)) throw error;
      if (Date.now() - started >= options.timeoutMs) {
        if (reading === undefined) throw error;
        return { reading, settled: false };
      }
      progress.log(`reading the target: ${(error as Error).message}; reading again`);
      await sleep(settlePollMs);
      continue;
    }
    const now = Date.now();
    const differences = compareOutcomes(recorded, reading.outcome).length;
    const text = JSON.stringify(reading.outcome);
    if (text !== last) {
      last = text;
      unchangedSince = now;
    }
    if (differences === 0) return { reading, settled: true };
    if (!isMoving(reading.outcome) && now - unchangedSince >= restMs)
      return { reading, settled: true };
    if (now - started >= options.timeoutMs) return { reading, settled: false };
    progress.show(
      `waiting for the target to come to rest: ${differences} differences now · ` +
        `${Math.round((now - started) / 1000)} s of ${Math.round(options.timeoutMs / 1000)} s`,
    );
    await sleep(settlePollMs);
  }
}

function sleepUntil(at: number): Promise<void> {
  return sleep(Math.max(0, at - Date.now()));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
