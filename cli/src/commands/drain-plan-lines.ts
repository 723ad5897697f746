import type { CostPerHour, DrainPlan, DrainPlanMove } from '@federa/contracts';
import { renderTable, type Column } from '../render-output';
import { formatCostPerHour } from './placement-explanation';

/** `0.0043/h → 0.0039/h`. */
export function costChange(cost: CostPerHour): string {
  return `${formatCostPerHour(cost.before)} → ${formatCostPerHour(cost.after)}`;
}

const moveColumns: Column<DrainPlanMove>[] = [
  { header: 'INSTANCE', value: (m) => m.instance },
  { header: 'APP', value: (m) => `${m.service}/${m.app}` },
  { header: 'FROM → TO', value: (m) => `${m.from} → ${m.to}` },
  { header: 'MODE', value: (m) => m.mode },
  { header: 'COST/H BEFORE → AFTER', value: (m) => costChange(m.costPerHour) },
];

/**
 * A drain's plan for a reader (`federa drain HOST --dry-run`): where each instance would go, what
 * cannot move and why, and what the host's instances cost per hour before and after.
 */
export function drainPlanLines(plan: DrainPlan): string[] {
  const heading = plan.with
    ? `Replacing ${plan.host} with ${plan.with} would move:`
    : `Draining ${plan.host} would move:`;
  const lines = [
    plan.moves.length > 0 ? heading : `Draining ${plan.host} would move nothing.`,
    ...(plan.moves.length > 0 ? renderTable(plan.moves, moveColumns).split('\n') : []),
  ];
  if (plan.blocked.length > 0) {
    lines.push('', 'Blocked (they would stay on the host):');
    for (const b of plan.blocked)
      lines.push(`  ${b.instance} (${b.service}/${b.app}): ${b.reason}`);
  }
  lines.push('', `Cost per hour: ${costChange(plan.costPerHour)}`);
  return lines;
}
