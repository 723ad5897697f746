import { createHash } from 'node:crypto';

/**
 * The Postgres advisory lock key of a lease name: the first 8 bytes of its SHA-256 as a signed bigint,
 * in decimal (pg's bigint text). Computed here rather than with Postgres' hashtext(), which is internal
 * and may change between versions, so that every process and version agrees on the key.
 */
export function advisoryLockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}
