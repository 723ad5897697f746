import { PostgresEventStore } from '@federa/eventstore';
import { Client, Pool } from 'pg';
import { readWholeLog } from '../event-log-fixture';
import { resourceKinds } from '../../services/placement/src/domain/resources';
import { PlacementEngine } from '../../services/placement/src/engine/placement-engine';
import type { Answer } from '../outage-harness';
import { processCounts } from '../outage-harness';
import { askedOfServices, instancesOf, mayRun, mustRun, type LogEvent } from './log-facts';
import { compareProjectionsWithRebuild } from './projection-rebuild';

/** What the checks need of a plane: its database and its API (OutagePlane has both). */
export interface CheckedPlane {
  /** The database holding the log and the services' read models. */
  readonly databaseUrl: string;
  /** Calls the API with an operator's token; answers status and JSON. */
  call(method: string, path: string, body?: object): Promise<Answer>;
}

/** The invariants, by name, as the failure message and the report name them. */
export const invariantNames = [
  'projections equal their rebuild',
  'no host over-committed',
  'no instance running twice',
  'every service that should be available is',
  'no acknowledged command lost',
] as const;
export type InvariantName = (typeof invariantNames)[number];

export interface FaultInvariantOptions {
  /**
   * How many processes run as each instance, read from the hosts' process tables (FEDERA_INSTANCE in
   * their environment) [processCounts: this machine's /proc, where tests run their agents' workloads].
   * Processes of instances this plane's log does not know (other tests') are left alone.
   */
  processTable?: () => Map<string, number> | Promise<Map<string, number>>;
  /**
   * The commands the API acknowledged (CommandLedger): each one's effect must be in the log.
   * Without it, that invariant is reported as not checked.
   */
  ledger?: { missingFrom(log: readonly LogEvent[]): string[] };
  /** Layers whose instances run as processes of the process table [process]. */
  processLayers?: readonly string[];
  /**
   * How long the checks that converge (services available, every instance once, read models at the
   * head) may take to hold, from the call [90 s]. Safety checks are judged on the same last look.
   */
  timeoutMs?: number;
  /** Invariants this scenario cannot check, each with why (reported, not failed). */
  skip?: Partial<Record<InvariantName, string>>;
}

/** Each invariant's outcome: what was checked, or what failed. */
export interface InvariantOutcome {
  name: InvariantName;
  /** passed, failed, or skipped with its reason. */
  verdict: 'passed' | 'failed' | 'skipped';
  /** What failed (one line each), what was checked, or why it was skipped. */
  lines: string[];
}

/**
 * Checks, once a fault scenario has quiesced, that the plane is whole: every read model equals its
 * rebuild from the log, no host holds more than its capacity, no instance runs twice (or at all when
 * the log says it should not), every service last deployed is available with its applications at
 * their desired counts (and every one stopped runs nothing), and every acknowledged command's effect
 * is in the log. Waits up to `timeoutMs` for the converging ones; then throws one error listing each
 * invariant's outcome, failed ones with their differences, or answers the outcomes when all hold.
 */
export async function expectFaultInvariants(
  plane: CheckedPlane,
  options: FaultInvariantOptions = {},
): Promise<InvariantOutcome[]> {
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  const skip = options.skip ?? {};
  const checks: Record<InvariantName, () => Promise<Finding>> = {
    'projections equal their rebuild': () => projectionsEqualRebuild(plane),
    'no host over-committed': () => noHostOverCommitted(plane),
    'no instance running twice': () => noInstanceRunningTwice(plane, options),
    'every service that should be available is': () => servicesAvailable(plane),
    'no acknowledged command lost': () => noAcknowledgedCommandLost(plane, options),
  };
  let outcomes: InvariantOutcome[];
  for (;;) {
    outcomes = [];
    for (const name of invariantNames) {
      const reason = skip[name];
      if (reason) {
        outcomes.push({ name, verdict: 'skipped', lines: [reason] });
        continue;
      }
      const finding = await checks[name]().catch((error: Error): Finding => ({
        failures: [`the check threw: ${error.stack ?? error}`],
      }));
      outcomes.push({
        name,
        verdict: finding.failures.length > 0 ? 'failed' : finding.skipped ? 'skipped' : 'passed',
        lines: finding.failures.length > 0 ? finding.failures : (finding.checked ?? []),
      });
    }
    if (!outcomes.some((o) => o.verdict === 'failed')) return outcomes;
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`fault invariants do not hold:\n${describeOutcomes(outcomes)}`);
}

/** The outcomes as lines for a failure's or a report's reader. */
export function describeOutcomes(outcomes: readonly InvariantOutcome[]): string {
  return outcomes
    .map((o) => [`${o.verdict.toUpperCase()} ${o.name}`, ...o.lines.map((l) => `    ${l}`)])
    .flat()
    .join('\n');
}

interface Finding {
  failures: string[];
  /** What was checked, when it held. */
  checked?: string[];
  skipped?: boolean;
}

async function projectionsEqualRebuild(plane: CheckedPlane): Promise<Finding> {
  const comparison = await compareProjectionsWithRebuild(plane.databaseUrl);
  const failures = [
    ...comparison.behind.map((b) => `${b}: behind the log's head`),
    ...comparison.differences,
  ];
  return {
    failures,
    checked: [
      `compared ${comparison.compared.join(', ') || 'none'}`,
      ...(comparison.absent.length ? [`not run here: ${comparison.absent.join(', ')}`] : []),
    ],
  };
}

/** Every host's allocations within its capacity: as placement folds the log, and as inventory answers. */
async function noHostOverCommitted(plane: CheckedPlane): Promise<Finding> {
  const pool = new Pool({ connectionString: plane.databaseUrl, max: 2 });
  const failures: string[] = [];
  try {
    const store = new PostgresEventStore(pool);
    const auditor = new PlacementEngine(store);
    await auditor.fold(await readWholeLog(store));
    for (const host of auditor.state.hosts)
      for (const kind of resourceKinds)
        if (host.allocated[kind] > host.capacity[kind])
          failures.push(
            `placement's fold: ${host.id} ${kind} ${host.allocated[kind]} > ${host.capacity[kind]}`,
          );
  } finally {
    await pool.end();
  }
  const hosts = await plane.call('GET', '/v1/hosts?limit=500');
  if (hosts.status !== 200) return { failures: [...failures, `GET /v1/hosts ${hosts.status}`] };
  for (const host of hosts.json.items as {
    id: string;
    capacity: Record<string, number>;
    allocated: Record<string, number>;
  }[])
    for (const [kind, allocated] of Object.entries(host.allocated ?? {}))
      if (allocated > (host.capacity?.[kind] ?? Infinity))
        failures.push(`inventory: ${host.id} ${kind} ${allocated} > ${host.capacity[kind]}`);
  return {
    failures,
    checked: [`${hosts.json.items.length} hosts, by placement's fold of the log and by inventory`],
  };
}

/**
 * On the process table: each instance of this log at most one process, none for an instance the log
 * says is not started or has ended, and one for each instance of a process layer the log says runs.
 */
async function noInstanceRunningTwice(
  plane: CheckedPlane,
  options: FaultInvariantOptions,
): Promise<Finding> {
  const instances = instancesOf(await readLog(plane.databaseUrl));
  const table = await (options.processTable ?? processCounts)();
  const layers = new Set(options.processLayers ?? ['process']);
  const failures: string[] = [];
  for (const [id, view] of instances) {
    const count = table.get(id) ?? 0;
    const where = `${view.service}/${view.app} ${id} (${view.state} on ${view.host ?? 'no host'})`;
    if (count > 1) failures.push(`${where}: ${count} processes`);
    else if (count === 1 && !mayRun.has(view.state))
      failures.push(`${where}: runs, but the log says ${view.state}`);
    else if (count === 0 && layers.has(view.layer) && mustRun.has(view.state))
      failures.push(`${where}: no process, but the log says ${view.state}`);
  }
  const running = [...instances.keys()].filter((id) => (table.get(id) ?? 0) > 0).length;
  return {
    failures,
    checked: [`${instances.size} instances in the log, ${running} with a process, each one`],
  };
}

/**
 * Each service whose last command was a deploy is available, each application with as many healthy
 * instances as it wants and no other live one; each one last stopped is stopped, with nothing live.
 */
async function servicesAvailable(plane: CheckedPlane): Promise<Finding> {
  const log = await readLog(plane.databaseUrl);
  const live = [...instancesOf(log).values()].filter(
    (i) => mayRun.has(i.state) || i.state === 'stopping',
  );
  const failures: string[] = [];
  const checked: string[] = [];
  for (const [name, asked] of askedOfServices(log)) {
    if (asked === 'deleted') continue;
    const answer = await plane.call('GET', `/v1/services/${name}`);
    if (answer.status !== 200) {
      failures.push(`${name}: GET answered ${answer.status} ${JSON.stringify(answer.json)}`);
      continue;
    }
    const service = answer.json as {
      state: string;
      applications: { name: string; desired: number; healthy: number; instances: unknown[] }[];
    };
    if (asked === 'stopped') {
      const left = live.filter((i) => i.service === name).map((i) => `${i.id} ${i.state}`);
      if (service.state !== 'stopped') failures.push(`${name}: stopped last, but ${service.state}`);
      if (left.length > 0) failures.push(`${name}: stopped, but still live: ${left.join(', ')}`);
      checked.push(`${name} stopped`);
      continue;
    }
    if (service.state !== 'available')
      failures.push(`${name}: deployed last, but ${service.state}`);
    for (const app of service.applications) {
      const count = live.filter((i) => i.service === name && i.app === app.name).length;
      if (app.healthy !== app.desired || count !== app.desired)
        failures.push(
          `${name}/${app.name}: ${app.healthy} healthy and ${count} live of ${app.desired} desired`,
        );
    }
    checked.push(
      `${name} available (${service.applications.map((a) => `${a.name} ${a.desired}`).join(', ')})`,
    );
  }
  return { failures, checked };
}

async function noAcknowledgedCommandLost(
  plane: CheckedPlane,
  options: FaultInvariantOptions,
): Promise<Finding> {
  if (!options.ledger)
    return { failures: [], skipped: true, checked: ['no ledger of acknowledged commands given'] };
  const missing = options.ledger.missingFrom(await readLog(plane.databaseUrl));
  return {
    failures: missing.map((m) => `acknowledged, not in the log: ${m}`),
    checked: ['every acknowledged command has its effect in the log, in order'],
  };
}

/** The log as the checks read it, in position order. */
export async function readLog(databaseUrl: string): Promise<LogEvent[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT position, stream_id AS "streamId", type, data,
              COALESCE(metadata->>'occurredAt', to_char(recorded_at AT TIME ZONE 'UTC',
                       'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AS "occurredAt"
         FROM eventlog.events ORDER BY position`,
    );
    return rows.map((r) => ({ ...r, position: Number(r.position) }));
  } finally {
    await client.end();
  }
}
