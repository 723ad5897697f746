/**
 * The gateway's public entry, for the CLI, benchmarks and other services' tests. It loads no Nest
 * module, so that `federa up` stays light: the application is main.ts (tests build it with
 * create-gateway-app).
 */
export { generateApiToken } from './domain/api-token';
export { migrateGatewayDatabase } from './infrastructure/database/gateway-schema';
