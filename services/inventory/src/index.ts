/**
 * Inventory's public entry, for the CLI, benchmarks and other services' tests. It loads no Nest
 * module: the application is main.ts (tests that run inventory in process import its module).
 */
export { loadInventoryConfig, type InventoryConfig } from './inventory-config';
/** The fold of a host's stream, for a replay that computes the outcome a recording ended with. */
export {
  evolveHost,
  initialHostRecord,
  publicHostState,
  type HostRecord,
} from './domain/host-decider';
export type { HostEvent } from './domain/host-events';
