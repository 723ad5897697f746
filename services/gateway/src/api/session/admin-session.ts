import { hashApiToken, sameTokenHash } from '../../domain/api-token';

/** What a session opened with FEDERA_API_TOKEN keeps of it: its sha256, never the token. */
export function adminTokenHashOf(apiToken: string | undefined): string | null {
  return apiToken ? hashApiToken(apiToken) : null;
}

/**
 * Whether an admin session (no token row) still stands: only while FEDERA_API_TOKEN is set and is
 * the token it was opened with, so that rotating or unsetting a leaked admin token ends its
 * sessions. Compared in constant time.
 */
export function adminSessionStands(
  storedHash: string | null,
  currentApiToken: string | undefined,
): boolean {
  const current = adminTokenHashOf(currentApiToken);
  if (!storedHash || !current || !/^[0-9a-f]{64}$/.test(storedHash)) return false;
  return sameTokenHash(storedHash, current);
}
