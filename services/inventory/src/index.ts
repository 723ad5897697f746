/**
 * Inventory's public entry, for the CLI, benchmarks and other services' tests. It loads no Nest
 * module: the application is main.ts (tests that run inventory in process import its module).
 */
export { loadInventoryConfig, type InventoryConfig } from './inventory-config';
