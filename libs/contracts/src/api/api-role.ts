/** What an API token may do: viewer reads, operator also changes fleet and services, admin everything. */
export const ApiRoles = ['viewer', 'operator', 'admin'] as const;
export type ApiRole = (typeof ApiRoles)[number];
