import { generateKeyPairSync, sign } from 'node:crypto';
import { hostKeySigningInput, ValidationFailed, type AgentRegistration } from '@federa/contracts';
import { verifiedHostKey } from './host-key-proof';

const now = 1_700_000_000_000;

function signedRegistration(signedAt = now): AgentRegistration {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const input = hostKeySigningInput('h-1', 'run-a', signedAt);
  return {
    host: 'h-1',
    agentRunId: 'run-a',
    hostKey: {
      publicKey: publicKey.export({ format: 'jwk' }).x as string,
      signedAt,
      signature: sign(null, Buffer.from(input), privateKey).toString('base64url'),
    },
  } as AgentRegistration;
}

const fieldsOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailed);
    return (error as ValidationFailed).errors.map((e) => e.path);
  }
  throw new Error('not refused');
};

describe('host key proof of a registration', () => {
  it('answers the fingerprint of a key whose signature holds', () => {
    const registration = signedRegistration();
    const fingerprint = verifiedHostKey(registration, now);
    expect(fingerprint).toMatch(/^sha256:[A-Za-z0-9_-]{43}$/);
    expect(verifiedHostKey(registration, now + 1000)).toBe(fingerprint);
  });

  it('answers nothing for a registration without a key', () => {
    expect(verifiedHostKey({ host: 'h-1', agentRunId: 'run-a' } as AgentRegistration)).toBe(
      undefined,
    );
  });

  it('refuses a signature over another run or host, naming the signature', () => {
    const registration = signedRegistration();
    expect(fieldsOf(() => verifiedHostKey({ ...registration, agentRunId: 'run-b' }, now))).toEqual([
      'hostKey.signature',
    ]);
    expect(fieldsOf(() => verifiedHostKey({ ...registration, host: 'h-2' }, now))).toEqual([
      'hostKey.signature',
    ]);
  });

  it('refuses a key that is not on the curve, naming the signature', () => {
    const registration = signedRegistration();
    registration.hostKey!.publicKey = 'A'.repeat(43);
    expect(fieldsOf(() => verifiedHostKey(registration, now))).toEqual(['hostKey.signature']);
  });

  it('refuses a proof signed too long ago or in the future, naming signedAt', () => {
    expect(fieldsOf(() => verifiedHostKey(signedRegistration(now - 10 * 60_000), now))).toEqual([
      'hostKey.signedAt',
    ]);
    expect(fieldsOf(() => verifiedHostKey(signedRegistration(now + 10 * 60_000), now))).toEqual([
      'hostKey.signedAt',
    ]);
  });
});
