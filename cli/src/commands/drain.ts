import { Command, Option } from 'commander';
import {
  DrainDeadlineLimits,
  HOST_ID_PATTERN,
  HOST_ID_RULE,
  ListLimits,
  type DrainPlan,
  type HostView,
  type MigrationPage,
} from '@federa/contracts';
import { stringify } from 'yaml';
import type { ApiClient } from '../api-client';
import {
  apiClientOf,
  guarded,
  outputOf,
  withApiOption,
  withOutputOption,
} from '../command-options';
import { durationFlag } from '../duration-flag';
import { ExitCodes, UsageError, usageExitsTwo, withExitCodes } from '../exit-code';
import { progressDisplay, type ProgressDisplay, type ProgressStream } from '../progress-display';
import { renderOutput } from '../render-output';
import { drainPlanLines } from './drain-plan-lines';
import { drainOutcome, drainProgressLines } from './drain-progress';
import { hostLines } from './describe-host';
import { progressStreamFor } from './follow-service';
import { hostColumns, hostWideColumns } from './get-hosts';

/** The flags of `federa drain` and `federa replace`. */
export interface DrainFlags {
  api?: string;
  output?: string;
  reason?: string;
  deadline?: string;
  dryRun?: boolean;
  wait?: boolean;
  timeout?: string;
  with?: string;
}

/** What a drain or replacement asks of the API, and how the CLI follows it, from checked flags. */
export interface DrainRequestOf {
  body: { reason?: string; deadlineMs?: number; with?: string };
  /** How long `--wait` follows, undefined: until the drain ends. */
  timeoutMs?: number;
}

/** `--wait`'s look at the host and its migrations, every this long. */
const pollMs = 1_000;

/** The flags as the API's request, or a UsageError naming the first flag that cannot be used. */
export function drainRequestOf(
  host: string,
  flags: DrainFlags,
  replacing: boolean,
): DrainRequestOf {
  if (flags.wait && flags.dryRun) throw new UsageError('--wait', 'cannot follow a --dry-run');
  if (flags.timeout !== undefined && !flags.wait)
    throw new UsageError('--timeout', 'only with --wait');
  const body: DrainRequestOf['body'] = {};
  if (replacing) {
    const replacement = flags.with ?? '';
    if (!HOST_ID_PATTERN.test(replacement)) throw new UsageError('--with', HOST_ID_RULE);
    if (replacement === host) throw new UsageError('--with', `must name another host than ${host}`);
    body.with = replacement;
  }
  if (flags.reason !== undefined) body.reason = flags.reason;
  if (flags.deadline !== undefined)
    body.deadlineMs = durationFlag('--deadline', flags.deadline, DrainDeadlineLimits);
  const timeoutMs =
    flags.timeout === undefined
      ? undefined
      : durationFlag('--timeout', flags.timeout, { minMs: 1_000 });
  return timeoutMs === undefined ? { body } : { body, timeoutMs };
}

/** `-o table|wide|json|yaml`: drain and replace also print YAML. */
function withDrainOutputOption(command: Command): Command {
  return command.addOption(
    new Option('-o, --output <format>', 'output format')
      .choices(['table', 'wide', 'json', 'yaml', 'name'])
      .default('table'),
  );
}

/** The answer as `-o` asks; `name` is the host drained or replaced, for plans and hosts alike. */
function printed(format: string, answer: { host: string } | HostView, table: () => string): string {
  if (format === 'json') return JSON.stringify(answer, null, 2);
  if (format === 'yaml') return stringify(answer).trimEnd();
  if (format === 'name') return 'id' in answer ? answer.id : answer.host;
  return table();
}

/**
 * Migrations moving instances off `host` now; undefined when the migrations cannot be listed (a
 * migration replica restarting): the drain is still followed through the host.
 */
async function movingFrom(api: ApiClient, host: string): Promise<number | undefined> {
  let moving = 0;
  try {
    for (const state of ['pending', 'running']) {
      // Every page: with more moves in flight than a page holds, the first would undercount.
      let after: string | undefined;
      do {
        const query = new URLSearchParams({ state, limit: String(ListLimits.maxPageSize) });
        if (after) query.set('after', after);
        const page = await api.get<MigrationPage>(`/v1/migrations?${query}`);
        moving += page.items.filter((m) => m.from === host).length;
        after = page.next;
      } while (after);
    }
  } catch {
    return undefined;
  }
  return moving;
}

/**
 * Follows the host's drain until it ends or `timeoutMs` passes, showing its progress each time it
 * changes (redrawn in place on a terminal, plain lines elsewhere); answers the exit code (0 drained
 * or retired, 4 timed out, cancelled or blocked at the timeout, 5 still moving at the timeout).
 */
async function followDrain(
  api: ApiClient,
  first: HostView,
  timeoutMs: number | undefined,
  progress: ProgressStream,
): Promise<{ host: HostView; exitCode: number }> {
  const display = progressDisplay(progress);
  try {
    return await followDrainOn(api, first, timeoutMs, display, (line) => {
      display.end();
      progress.write(`${line}\n`);
    });
  } finally {
    display.end();
  }
}

/** followDrain's loop: progress on `display`, how the drain ended on `write`. */
async function followDrainOn(
  api: ApiClient,
  first: HostView,
  timeoutMs: number | undefined,
  display: ProgressDisplay,
  write: (line: string) => void,
): Promise<{ host: HostView; exitCode: number }> {
  const path = `/v1/hosts/${encodeURIComponent(first.id)}`;
  const until = timeoutMs === undefined ? Infinity : Date.now() + timeoutMs;
  const total = first.drain?.remaining.length ?? first.instances;
  let host = first;
  for (;;) {
    const outcome = drainOutcome(host);
    if (host.drain) {
      const moving = outcome === 'going' ? await movingFrom(api, host.id) : 0;
      display.show(drainProgressLines(host.drain, total, moving).join('\n'));
    }
    if (outcome === 'drained' || outcome === 'retired') return { host, exitCode: ExitCodes.ok };
    if (outcome === 'cancelled') {
      write('the drain was ended by an uncordon: the host is back in service');
      return { host, exitCode: ExitCodes.refused };
    }
    if (outcome === 'timed-out') {
      write(`the drain's deadline passed: ${host.drain?.remaining.length ?? 0} instance(s) stayed`);
      return { host, exitCode: ExitCodes.refused };
    }
    if (Date.now() >= until) {
      const blocked = host.drain?.blocked.length ?? 0;
      write(
        blocked > 0
          ? `--timeout passed with ${blocked} instance(s) blocked: the drain waits for you`
          : '--timeout passed while instances were still moving: the drain goes on',
      );
      return { host, exitCode: blocked > 0 ? ExitCodes.refused : ExitCodes.unreachableOrTimedOut };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, until - Date.now())));
    try {
      // A read that hangs ends at --timeout, which the loop then reports with the last host seen.
      const bounded = Number.isFinite(until)
        ? { signal: AbortSignal.timeout(Math.max(1, until - Date.now())) }
        : {};
      host = await api.get<HostView>(path, bounded);
    } catch (error) {
      if (Date.now() < until) throw error;
    }
  }
}

/** The action of `federa drain` and `federa replace`. */
function drainAction(action: 'drain' | 'replace') {
  return withExitCodes(async (host: string, flags: DrainFlags) => {
    const request = drainRequestOf(host, flags, action === 'replace');
    const api = apiClientOf(flags);
    const format = flags.output ?? 'table';
    const path = `/v1/hosts/${encodeURIComponent(host)}/${action}`;
    if (flags.dryRun) {
      const plan = await api.post<DrainPlan>(`${path}?dryRun=true`, request.body);
      process.stdout.write(`${printed(format, plan, () => drainPlanLines(plan).join('\n'))}\n`);
      if (plan.blocked.length > 0) process.exitCode = ExitCodes.refused;
      return;
    }
    const body = Object.keys(request.body).length > 0 ? request.body : undefined;
    let answer = await api.post<HostView>(path, body);
    if (flags.wait) {
      // Machine-readable output keeps stdout for the host alone: progress goes to stderr.
      const progress = progressStreamFor(format);
      const followed = await followDrain(api, answer, request.timeoutMs, progress);
      answer = followed.host;
      process.exitCode = followed.exitCode;
      if (format === 'table' || format === 'wide') {
        process.stdout.write(`${hostLines(answer).join('\n')}\n`);
        return;
      }
    }
    const shown = answer;
    const table = () => renderOutput(outputOf(flags), shown, [shown], hostColumns, hostWideColumns);
    process.stdout.write(`${printed(format, shown, table)}\n`);
  });
}

/** The flags drain and replace share. */
function withDrainFlags(command: Command): Command {
  return usageExitsTwo(
    withDrainOutputOption(
      withApiOption(
        command
          .option('--reason <text>', 'why, recorded in the event')
          .option(
            '--deadline <duration>',
            'end the drain this long after it starts (90s, 30m, 2h, 1h30m; 1s to 7d), leaving what did not move where it runs',
          )
          .option(
            '--dry-run',
            'print the plan: where each instance would go, what blocks, the cost per hour before and after; nothing changes',
          )
          .option(
            '--wait',
            'follow the drain until the host is empty: instances left, moving, blocked and why',
          )
          .option(
            '--timeout <duration>',
            'with --wait: stop following after this long (the drain goes on)',
          ),
      ),
    ),
  );
}

/** `federa drain HOST`: no new placements, and the migration service moves every instance away. */
export function drainCommand(): Command {
  return withDrainFlags(
    new Command('drain')
      .description(
        'evacuate a host: no new placements, and every instance moves to another host (with its data); ' +
          'what cannot move is listed with the reason',
      )
      .argument('<host>', 'host id')
      .action(drainAction('drain')),
  );
}

/** `federa replace HOST --with NEW`: everything moves to the named host, then the old one is retired. */
export function replaceCommand(): Command {
  return withDrainFlags(
    new Command('replace')
      .description(
        'move everything from a host to a named new host, with its data, then retire the old host',
      )
      .argument('<host>', 'host id')
      .requiredOption('--with <host>', 'the new host that takes every instance')
      .action(drainAction('replace')),
  );
}

/** A host action of the API (`POST /v1/hosts/{id}/<action>`) as a CLI command printing the host after it. */
function hostActionCommand(name: 'cordon' | 'uncordon', description: string): Command {
  const command = new Command(name)
    .description(description)
    .argument('<host>', 'host id')
    .action(
      guarded(async (host: string, options: { api?: string; output?: string; reason?: string }) => {
        const body = options.reason ? { reason: options.reason } : undefined;
        const answer = await apiClientOf(options).post<HostView>(
          `/v1/hosts/${encodeURIComponent(host)}/${name}`,
          body,
        );
        process.stdout.write(`${renderOutput(outputOf(options), answer, [answer], hostColumns)}\n`);
      }),
    );
  if (name !== 'uncordon') command.option('--reason <text>', 'why, recorded in the event');
  return withOutputOption(withApiOption(command));
}

/** `federa cordon HOST`: no new placements on the host. */
export function cordonCommand(): Command {
  return hostActionCommand('cordon', 'stop new placements on a host');
}

/** `federa uncordon HOST`. */
export function uncordonCommand(): Command {
  return hostActionCommand(
    'uncordon',
    'allow new placements on a host again; on a draining or drained host, also end the drain',
  );
}

/** `federa retire HOST [--force]`: refused while instances remain unless forced. */
export function retireCommand(): Command {
  const command = new Command('retire')
    .description('retire a host for good; refused while instances remain unless --force')
    .argument('<host>', 'host id')
    .option('--force', 'retire although instances remain on it')
    .action(
      guarded(async (host: string, options: { api?: string; output?: string; force?: boolean }) => {
        const answer = await apiClientOf(options).delete<HostView>(
          `/v1/hosts/${encodeURIComponent(host)}${options.force ? '?force=true' : ''}`,
        );
        process.stdout.write(`${renderOutput(outputOf(options), answer, [answer], hostColumns)}\n`);
      }),
    );
  return withOutputOption(withApiOption(command));
}
