import type { EventPage } from '@federa/contracts';
import type { SimFleet } from '../../../services/agent/src';
import type { ApiClient } from '../api-client';
import { isPassing, readEventFeed } from '../event-feed';
import type { ProgressDisplay } from '../progress-display';
import {
  allocationsOverCapacity,
  compareOutcomes,
  type Difference,
} from './domain/compare-outcomes';
import { LagTracker, type ExpectedEvent } from './domain/lag-tracker';
import { foldOutcome } from './domain/outcome';
import { dueMs, percentile, type Pacing } from './domain/pacing';
import { isMoving } from './domain/quiescence';
import type { Recording } from './domain/recording';
import { planReplay, type MigrateStep, type ReplayStep } from './domain/replay-plan';
import { readAll, readTargetOutcome, type TargetReading } from './target-outcome';
import { startSimulatedAgents, type AgentBus } from './simulated-agents';

export interface ReplayRunOptions {
  client: ApiClient;
  recording: Recording;
  pacing: Pacing;
  /** How long the target may take to come to rest once every step is driven (and its hosts to register). */
  timeoutMs: number;
  bus: AgentBus;
  progress: ProgressDisplay;
  /** Told what goes wrong without stopping the replay (a refused command, a dropped feed). */
  warn: (line: string) => void;
}

/** What a replay measured and found. */
export interface ReplayReport {
  /** Recorded events replayed. */
  events: number;
  /** Steps driven: commands, moves, faults. */
  steps: number;
  elapsedMs: number;
  /** Events the target's log recorded while the replay ran, and per second. */
  targetEvents: number;
  eventsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  lagP50Ms: number;
  lagP99Ms: number;
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

/**
 * Replays a recording into the target: simulated agents for its hosts, then each step at its time,
 * each REST call's latency and the target log's lag measured, then a wait for the target to match
 * the recording or come to rest (bounded by `timeoutMs`), and the comparison of the two outcomes
 * with every host's allocation checked against its capacity.
 */
export async function runReplay(options: ReplayRunOptions): Promise<ReplayReport> {
  const { client, recording, progress, warn } = options;
  const plan = planReplay(recording.events);
  const recorded = foldOutcome(recording.events);
  const lag = new LagTracker();
  const latencies: number[] = [];
  const startedAt = Date.now();
  const feedStop = new AbortController();
  const head = await logHead(client);
  const feed = readEventFeed(client, {
    after: head,
    signal: feedStop.signal,
    onEvent: (event) => lag.observe(event.type, event.streamId, Date.now()),
    onReconnect: ({ delayMs }) =>
      warn(`the target's event feed dropped; resuming in ${delayMs} ms`),
  }).catch((error: unknown) => warn(`the target's event feed ended: ${(error as Error).message}`));
  let fleet: SimFleet | undefined;
  for (const line of plan.rewrites) warn(line);
  try {
    if (plan.hosts.length > 0) {
      progress.show(`starting ${plan.hosts.length} simulated hosts`);
      fleet = await startSimulatedAgents(plan.hosts, options.bus);
      await waitForHosts(
        client,
        plan.hosts.map((h) => h.config.host),
        options.timeoutMs,
      );
    }
    const driveStart = Date.now();
    let replayed = 0;
    const positionsBefore = (position: number) =>
      recording.events.filter((e) => e.position <= position).length;
    const show = (done: number) => {
      const seconds = Math.max(0.001, (Date.now() - startedAt) / 1000);
      progress.show(
        `replaying: ${replayed}/${recording.events.length} events · ${done}/${plan.steps.length} steps · ` +
          `target ${(lag.seen / seconds).toFixed(1)} events/s · REST p50 ${percentile(latencies, 50)} ms ` +
          `p99 ${percentile(latencies, 99)} ms · lag ${lag.currentMs(Date.now())} ms`,
      );
    };
    for (const [index, step] of plan.steps.entries()) {
      await sleepUntil(driveStart + dueMs(options.pacing, step.atMs, index));
      const expected: ExpectedEvent = {
        type: step.type,
        // Moves and failures are of instances whose ids differ in the target.
        streamId:
          step.kind === 'migrate' || step.kind === 'fail-instance' ? undefined : step.streamId,
        sentAt: Date.now(),
      };
      lag.expect(expected);
      try {
        await drive(client, fleet, step, options.timeoutMs);
      } catch (error) {
        lag.forget(expected);
        warn(
          `${describe(step)} (recorded at position ${step.position}): ${(error as Error).message}`,
        );
      }
      latencies.push(Date.now() - expected.sentAt);
      replayed = positionsBefore(step.position);
      show(index + 1);
    }
    replayed = recording.events.length;
    const { reading, settled } = await settle(client, recorded, options, progress);
    const differences = [
      ...compareOutcomes(recorded, reading.outcome),
      ...allocationsOverCapacity(reading.allocations),
    ];
    const elapsedMs = Date.now() - startedAt;
    return {
      events: replayed,
      steps: plan.steps.length,
      elapsedMs,
      targetEvents: lag.seen,
      eventsPerSecond: Math.round((lag.seen / Math.max(0.001, elapsedMs / 1000)) * 10) / 10,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      lagP50Ms: percentile(lag.samples, 50),
      lagP99Ms: percentile(lag.samples, 99),
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

/** The position of the target log's last event: the feed follows what comes after it. */
async function logHead(client: ApiClient): Promise<number> {
  let after = 0;
  for (;;) {
    const page = await client.get<EventPage>(`/v1/events?after=${after}&limit=1000`);
    if (page.items.length < 1000) return page.items.at(-1)?.position ?? after;
    after = page.next;
  }
}

/** Waits until the target lists every simulated host as ready. */
async function waitForHosts(client: ApiClient, hosts: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
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
      throw new Error(`the simulated hosts did not all register in time: ${missing.join(', ')}`);
    await sleep(250);
  }
}

async function drive(
  client: ApiClient,
  fleet: SimFleet | undefined,
  step: ReplayStep,
  waitMs: number,
) {
  switch (step.kind) {
    case 'call':
      await client.request(step.method, step.path, step.body);
      return;
    case 'migrate':
      await migrate(client, step);
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

/** Moves an instance of the recorded move's application, from its recorded host when one is there. */
async function migrate(client: ApiClient, step: MigrateStep): Promise<void> {
  const query = `service=${encodeURIComponent(step.service)}&app=${encodeURIComponent(step.app)}`;
  const live = await readAll<{ id: string; host: string | null; state: string }>(
    client,
    `/v1/instances?${query}`,
  );
  const serving = live.filter((i) => i.state === 'healthy' || i.state === 'running');
  const instance =
    serving.find((i) => i.host === step.from) ?? serving.find((i) => i.host !== step.to);
  if (!instance) throw new Error(`no running instance of ${step.service}/${step.app} to move`);
  await client.post(`/v1/instances/${encodeURIComponent(instance.id)}/migrate`, { to: step.to });
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
  progress: ProgressDisplay,
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
      options.warn(`reading the target: ${(error as Error).message}; reading again`);
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
