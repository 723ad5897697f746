import { IsInt, Min } from 'class-validator';
import { IsHostId } from '../events/values/identifiers';

/**
 * The second liveness signal (docs/adr/inventory-host-lease.md): besides heartbeats on the bus, every
 * agent renews a lease file `<FEDERA_LEASE_DIR>/<host>.lease` on storage that inventory also reads,
 * like vSphere HA's datastore heartbeats. Written whole (write a temporary file, then rename) every
 * heartbeat interval. A fresh lease with silent heartbeats means a partition, not a death.
 */
export class HostLease {
  @IsHostId()
  host: string;

  @IsInt()
  @Min(1)
  epoch: number;

  /** When the agent renewed it, ms since the Unix epoch (the agent's clock, like heartbeats' sentAt). */
  @IsInt()
  renewedAt: number;
}

/** Where leases live when FEDERA_LEASE_DIR is unset. */
export const DEFAULT_LEASE_DIR = '/tmp/federa-leases';

/** The lease file name of a host (host ids are safe file names: HOST_ID_PATTERN). */
export function hostLeaseFileName(host: string): string {
  return `${host}.lease`;
}
