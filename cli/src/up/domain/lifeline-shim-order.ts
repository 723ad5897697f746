/**
 * What the lifeline shim runs and how it stops it (see lifeline-shim.ts): `federa up` writes it as
 * one JSON object on the shim's standard input.
 */
export interface LifelineShimOrder {
  command: string;
  args: string[];
  /** The user and group to run the server as (PostgreSQL under root runs as `postgres`). */
  uid?: number;
  gid?: number;
  /** The server's graceful stop (PostgreSQL: SIGINT, its fast shutdown; nats-server: SIGTERM). */
  stopSignal: 'SIGINT' | 'SIGTERM';
  /** How long that stop may take before the server's process group is killed. */
  stopGraceMs: number;
}

const stopSignals: readonly string[] = ['SIGINT', 'SIGTERM'];

/** Reads the shim's order from its JSON text; what is wrong is refused, naming the field. */
export function parseLifelineShimOrder(text: string): LifelineShimOrder {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `the order is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('the order must be a JSON object');
  const order = value as Record<string, unknown>;
  if (typeof order.command !== 'string' || order.command === '')
    throw new Error('command: must be a non-empty string');
  if (!Array.isArray(order.args) || !order.args.every((a) => typeof a === 'string'))
    throw new Error('args: must be an array of strings');
  for (const field of ['uid', 'gid'] as const) {
    const id = order[field];
    if (id !== undefined && !(Number.isInteger(id) && (id as number) >= 0))
      throw new Error(`${field}: must be a non-negative integer`);
  }
  if (typeof order.stopSignal !== 'string' || !stopSignals.includes(order.stopSignal))
    throw new Error(`stopSignal: must be one of ${stopSignals.join(', ')}`);
  if (!(Number.isInteger(order.stopGraceMs) && (order.stopGraceMs as number) > 0))
    throw new Error('stopGraceMs: must be a positive integer');
  return {
    command: order.command,
    args: order.args as string[],
    ...(order.uid !== undefined ? { uid: order.uid as number } : {}),
    ...(order.gid !== undefined ? { gid: order.gid as number } : {}),
    stopSignal: order.stopSignal as LifelineShimOrder['stopSignal'],
    stopGraceMs: order.stopGraceMs as number,
  };
}
