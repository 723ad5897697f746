import { randomBytes } from 'node:crypto';

/** A NATS subject prefix (and so a JetStream stream name) no other test run shares. */
export function uniquePrefix(label = 't'): string {
  return `${label.replace(/[^a-z0-9]/gi, '').toLowerCase()}${randomBytes(4).toString('hex')}`;
}
