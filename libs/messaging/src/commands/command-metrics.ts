import { ErrorCodes, FederaError } from '@federa/contracts';
import { Counter, register } from 'prom-client';

/** How a command ended: answered, refused for a reason its caller can act on, or failed. */
export type CommandOutcome = 'ok' | 'refused' | 'error';

/** Codes that say the service (or one it needs) failed, not the command. */
const failureCodes: ReadonlySet<string> = new Set([ErrorCodes.internal, ErrorCodes.unavailable]);

/** The outcome of a reply that carries `err` (or not). */
export function commandOutcome(err: unknown): CommandOutcome {
  if (err === undefined || err === null) return 'ok';
  return failureCodes.has(FederaError.from(err).code) ? 'error' : 'refused';
}

/**
 * The `command` label of a message pattern: `cmd.inventory.cordon` is `cordon` for the inventory
 * service; a pattern outside its `cmd.<service>.` space keeps its name. Undefined for the health
 * ping, which is not a command (the gateway's /readyz sends one per probe).
 */
export function commandLabel(service: string, pattern: string): string | undefined {
  if (pattern.startsWith('health.')) return undefined;
  const own = `cmd.${service}.`;
  return pattern.startsWith(own) ? pattern.slice(own.length) : pattern;
}

function counter(): Counter {
  const existing = register.getSingleMetric('federa_commands_total');
  if (existing) return existing as Counter;
  return new Counter({
    name: 'federa_commands_total',
    help: 'Commands a service answered over NATS, by command and outcome (ok, refused, error)',
    labelNames: ['service', 'command', 'outcome'],
  });
}

/** Counts one answered command in `federa_commands_total{service,command,outcome}`. */
export function countCommand(service: string, pattern: string, outcome: CommandOutcome): void {
  const command = commandLabel(service, pattern);
  if (command !== undefined) counter().inc({ service, command, outcome });
}
