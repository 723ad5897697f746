import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostKeyProof, hostKeySigningInput, validatePayload } from '@federa/contracts';
import { HostKey, hostKeyPath } from './host-key-file';

describe('host key file', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'federa-host-key-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a key at the first start, readable by its owner only, and reads the same key later', async () => {
    const first = await HostKey.inDataDir(dir);
    expect(statSync(hostKeyPath(dir)).mode & 0o777).toBe(0o600);
    const again = await HostKey.inDataDir(dir);
    expect(again.publicKey).toBe(first.publicKey);
    const other = await HostKey.inDataDir(mkdtempSync(join(dir, 'other-')));
    expect(other.publicKey).not.toBe(first.publicKey);
  });

  it('signs a proof of the contract shape that verifies over the host, run and time', async () => {
    const key = await HostKey.inDataDir(dir);
    const proof = key.prove('h-1', 'run-a', 1_700_000_000_000);
    expect(validatePayload(HostKeyProof, proof).ok).toBe(true);
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: proof.publicKey },
      format: 'jwk',
    });
    const signed = (host: string) =>
      verify(
        null,
        Buffer.from(hostKeySigningInput(host, 'run-a', proof.signedAt)),
        publicKey,
        Buffer.from(proof.signature, 'base64url'),
      );
    expect(signed('h-1')).toBe(true);
    expect(signed('h-2')).toBe(false);
  });

  it('refuses to start on a key file it cannot read, naming the file', async () => {
    writeFileSync(hostKeyPath(dir), 'not a key');
    await expect(HostKey.inDataDir(dir)).rejects.toThrow(
      /cannot read the host key .*host-key\.pem/,
    );
  });
});
