import { createHash, createPublicKey, verify } from 'node:crypto';
import {
  HOST_KEY_MAX_CLOCK_SKEW_MS,
  hostKeySigningInput,
  ValidationFailed,
  type AgentRegistration,
} from '@federa/contracts';

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Checks the host key proof of a registration (docs/adr/host-key.md) and answers the key's
 * fingerprint, or undefined when the registration carries none. A proof that does not hold is
 * refused naming the field: a registration must not claim a key it cannot sign with.
 */
export function verifiedHostKey(
  registration: AgentRegistration,
  now = Date.now(),
): string | undefined {
  const proof = registration.hostKey;
  if (!proof) return undefined;
  const raw = Buffer.from(proof.publicKey, 'base64url');
  if (Math.abs(now - proof.signedAt) > HOST_KEY_MAX_CLOCK_SKEW_MS) {
    throw new ValidationFailed(
      [
        {
          path: 'hostKey.signedAt',
          reason: `must be within ${HOST_KEY_MAX_CLOCK_SKEW_MS} ms of inventory's clock (${new Date(now).toISOString()}): a stale or replayed registration, or a clock off`,
        },
      ],
      'AgentRegistration',
    );
  }
  let valid = false;
  try {
    const key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
      format: 'der',
      type: 'spki',
    });
    const input = hostKeySigningInput(registration.host, registration.agentRunId, proof.signedAt);
    valid = verify(null, Buffer.from(input), key, Buffer.from(proof.signature, 'base64url'));
  } catch {
    valid = false;
  }
  if (!valid) {
    throw new ValidationFailed(
      [
        {
          path: 'hostKey.signature',
          reason: 'does not verify with hostKey.publicKey over this host, agentRunId and signedAt',
        },
      ],
      'AgentRegistration',
    );
  }
  return hostKeyFingerprint(raw);
}

/** `sha256:` and the SHA-256 of the raw public key, unpadded base64url. */
export function hostKeyFingerprint(rawPublicKey: Buffer): string {
  return `sha256:${createHash('sha256').update(rawPublicKey).digest('base64url')}`;
}
