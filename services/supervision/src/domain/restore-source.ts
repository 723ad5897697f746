import { backupInstanceOf } from '@federa/contracts';
import type { InstanceView } from './instance-view';

/**
 * Whether `instance` may restore from the copy stored under `key`: a copy of the instance it
 * replaces, or the copy that one itself started from when it died before its first copy of its
 * own, and so on up the line of replacements. Copies are read from buckets their hosts' agents
 * write, and the copy lands in another host's bucket: a key owned by any other instance (another
 * service's data) is refused, as is one that is no copy's at all.
 */
export function mayRestoreFrom(
  instances: ReadonlyMap<string, Pick<InstanceView, 'replaces' | 'restoreFrom'>>,
  instance: string,
  key: string,
): boolean {
  const owner = backupInstanceOf(key);
  if (!owner) return false;
  const seen = new Set<string>([instance]);
  let current = instances.get(instance);
  while (current?.replaces !== undefined && !seen.has(current.replaces)) {
    if (current.replaces === owner) return true;
    seen.add(current.replaces);
    const predecessor = instances.get(current.replaces);
    // Further up only through the very copy the predecessor started from.
    if (predecessor?.restoreFrom !== key) return false;
    current = predecessor;
  }
  return false;
}
