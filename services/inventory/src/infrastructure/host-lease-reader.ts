import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HostLease, hostLeaseFileName, validatePayload } from '@federa/contracts';
import type { LeaseReading } from '../domain/liveness-tracker';

/**
 * Reads a host's lease file (the second liveness signal); null when there is none, or when what is
 * there is not a valid lease of this host (a torn or foreign file proves nothing).
 */
export async function readHostLease(leaseDir: string, host: string): Promise<LeaseReading | null> {
  let text: string;
  try {
    text = await readFile(join(leaseDir, hostLeaseFileName(host)), 'utf8');
  } catch {
    return null;
  }
  let plain: unknown;
  try {
    plain = JSON.parse(text);
  } catch {
    return null;
  }
  const lease = validatePayload(HostLease, plain);
  if (!lease.ok || lease.value.host !== host) return null;
  return { renewedAt: lease.value.renewedAt, epoch: lease.value.epoch };
}
