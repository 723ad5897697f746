import { IsIn, IsInt, IsString, Matches, Min } from 'class-validator';
import { IsHostId } from '../events/values/identifiers';

/**
 * A host key (docs/adr/host-key.md): an Ed25519 key pair the agent makes at its first registration
 * and keeps in its data dir. Registrations carry the public half and a signature: inventory binds
 * the host to the key's fingerprint, so that another agent (another key) cannot take a live host.
 */
export const HOST_KEY_PUBLIC_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const HOST_KEY_PUBLIC_RULE =
  'must be an Ed25519 public key: 32 bytes in unpadded base64url (43 characters)';
export const HOST_KEY_SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{86}$/;
export const HOST_KEY_SIGNATURE_RULE =
  'must be an Ed25519 signature: 64 bytes in unpadded base64url (86 characters)';
/** How events name a host key: `sha256:` and the SHA-256 of the raw public key, unpadded base64url. */
export const HOST_KEY_FINGERPRINT_PATTERN = /^sha256:[A-Za-z0-9_-]{43}$/;
export const HOST_KEY_FINGERPRINT_RULE =
  'must be a host key fingerprint: "sha256:" and 43 unpadded base64url characters';

/** The host key's proof in a registration: its public half and a signature of this registration. */
export class HostKeyProof {
  @IsString()
  @Matches(HOST_KEY_PUBLIC_PATTERN, { message: HOST_KEY_PUBLIC_RULE })
  publicKey: string;

  /** When the agent signed, ms since the Unix epoch: a registration replayed much later is refused. */
  @IsInt()
  @Min(0)
  signedAt: number;

  /** Ed25519 signature of `hostKeySigningInput(host, agentRunId, signedAt)`. */
  @IsString()
  @Matches(HOST_KEY_SIGNATURE_PATTERN, { message: HOST_KEY_SIGNATURE_RULE })
  signature: string;
}

/** The bytes a host key signs in a registration: the host, the run that registers and when. */
export function hostKeySigningInput(host: string, agentRunId: string, signedAt: number): string {
  return `federa-host-key/1\n${host}\n${agentRunId}\n${signedAt}`;
}

/**
 * How far a registration's `signedAt` may be from inventory's clock (either way): the same bound
 * heartbeats already need, generous for clocks kept by NTP, and short enough that a registration
 * copied off the bus is useless soon after.
 */
export const HOST_KEY_MAX_CLOCK_SKEW_MS = 5 * 60_000;

export const ReregisterReasons = ['stale-epoch', 'host-down'] as const;
export type ReregisterReason = (typeof ReregisterReasons)[number];

/**
 * Published by inventory on `Subjects.agentReregister(host)` when it ignores a heartbeat: its epoch
 * is older than the host's (`stale-epoch`), or the host is `down` and must come back with a new
 * epoch (`host-down`). At most once a second per host and inventory replica; an agent whose epoch
 * is `refusedEpoch` registers again.
 */
export class AgentReregister {
  @IsHostId()
  host: string;

  /** The epoch of the ignored heartbeat. */
  @IsInt()
  @Min(1)
  refusedEpoch: number;

  @IsIn(ReregisterReasons as unknown as string[])
  reason: ReregisterReason;
}
