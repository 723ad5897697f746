import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of generated tokens, so that a leaked one is recognisable in logs and secret scanners. */
const tokenPrefix = 'fed_';

/** A new random bearer token (256 bits). */
export function generateApiToken(): string {
  return `${tokenPrefix}${randomBytes(32).toString('base64url')}`;
}

/** How a token is stored: its sha256 in hex; the token itself is shown once and never kept. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two tokens in constant time (over their hashes, so lengths may differ). */
export function sameToken(a: string, b: string): boolean {
  return sameTokenHash(hashApiToken(a), hashApiToken(b));
}

/** Compares two tokens' hashes (`hashApiToken`) in constant time. */
export function sameTokenHash(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when there is none. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : undefined;
}
