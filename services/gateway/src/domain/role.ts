import { ApiRoles, type ApiRole } from '@federa/contracts';

/** What a bearer token may do: viewer reads, operator also changes fleet and services, admin everything. */
export const Roles = ApiRoles;
export type Role = ApiRole;

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (Roles as readonly string[]).includes(value);
}

/** True when a token holding `held` may call a route that requires `required`. */
export function roleSatisfies(held: Role, required: Role): boolean {
  return rank[held] >= rank[required];
}

/**
 * The role a route needs: the one it declares, otherwise viewer for reads and operator for
 * changes, so that a feature module that declares nothing is still safe by default.
 */
export function requiredRole(method: string, declared: Role | undefined): Role {
  if (declared) return declared;
  return ['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase()) ? 'viewer' : 'operator';
}
