import { SetMetadata } from '@nestjs/common';
import type { Role } from '../../domain/role';

export const REQUIRED_ROLE = 'federa:required-role';
export const PUBLIC_ROUTE = 'federa:public-route';

/** The role a route (or every route of a controller) needs; without it reads need viewer and changes operator. */
export const RequiresRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

/** A route that needs no token (health, readiness, metrics). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
