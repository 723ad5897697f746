import type { HostDrainView, HostView } from '@federa/contracts';

/** How a drain that `--wait` follows stands: over (and how), or still going. */
export type DrainOutcome = 'drained' | 'retired' | 'timed-out' | 'cancelled' | 'going';

/**
 * Where the drain `--wait` follows stands. A replacement is over once the old host is retired (or
 * drained with instances left, which keep it from being retired); a drain once drained.
 */
export function drainOutcome(host: HostView): DrainOutcome {
  if (host.state === 'retired') return 'retired';
  const drain = host.drain;
  if (drain === null) return 'going';
  if (drain.state === 'timed-out') return 'timed-out';
  if (drain.state === 'cancelled') return 'cancelled';
  if (drain.state !== 'drained') return 'going';
  return drain.replaceWith !== null && drain.remaining.length === 0 ? 'going' : 'drained';
}

/**
 * `[####------] 4/10 moved, 2 moving, 1 blocked, 6 left`: out of the instances the host had when
 * following started (`total`; `?` moving when unknown), then one line per blocked instance with
 * its reason.
 */
export function drainProgressLines(
  drain: HostDrainView,
  total: number,
  moving: number | undefined,
): string[] {
  const left = drain.remaining.length;
  const all = Math.max(total, left);
  const moved = all - left;
  const bar = '#'.repeat(moved) + '-'.repeat(left);
  const shown = all > 0 && all <= 40 ? `[${bar}] ` : '';
  return [
    `${shown}${moved}/${all} moved, ${moving ?? '?'} moving, ${drain.blocked.length} blocked, ${left} left` +
      ` (${drain.state})`,
    ...drain.blocked.map((b) => `  blocked ${b.instance} (${b.service}/${b.app}): ${b.reason}`),
  ];
}

/** The drain section of `describe host`. */
export function drainLines(drain: HostDrainView | null): string[] {
  if (drain === null) return ['Drain:     never drained'];
  const field = (label: string, value: string) => `  ${`${label}:`.padEnd(11)}${value}`;
  const lines = [
    `Drain:     ${drain.state} since ${drain.startedAt}`,
    ...(drain.deadlineAt ? [field('Deadline', drain.deadlineAt)] : []),
    ...(drain.replaceWith ? [field('Replacing', `everything moves to ${drain.replaceWith}`)] : []),
    field(
      drain.state === 'draining' ? 'Left' : 'Stayed',
      drain.remaining.length > 0 ? drain.remaining.join(', ') : 'none',
    ),
  ];
  if (drain.blocked.length > 0) {
    // Once a drain timed out, its list says why each instance that stayed did not move.
    lines.push(drain.state === 'draining' ? '  Blocked:' : '  Why they stayed:');
    for (const b of drain.blocked)
      lines.push(`    ${b.instance} (${b.service}/${b.app}): ${b.reason}`);
  }
  return lines;
}
