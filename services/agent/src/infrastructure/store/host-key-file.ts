import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { hostKeySigningInput, type HostKeyProof } from '@federa/contracts';

/** Where an agent keeps its host key, in its data dir (readable by its user only). */
export function hostKeyPath(dataDir: string): string {
  return join(dataDir, 'host-key.pem');
}

/**
 * The host key of an agent (docs/adr/host-key.md): an Ed25519 key pair made the first time the
 * agent starts on a data dir and kept there, so that every later run of the agent on that host
 * proves it is the one inventory knows. Another data dir (another agent) is another key.
 */
export class HostKey {
  /** The public half, 32 raw bytes in unpadded base64url. */
  readonly publicKey: string;

  private constructor(private readonly privateKey: KeyObject) {
    const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
    this.publicKey = jwk.x as string;
  }

  /** Reads the key kept in `dataDir`, or makes one and keeps it there (written whole, mode 0600). */
  static async inDataDir(dataDir: string): Promise<HostKey> {
    const path = hostKeyPath(dataDir);
    try {
      return new HostKey(createPrivateKey(await readFile(path, 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`cannot read the host key ${path}: ${(error as Error).message}`);
      }
    }
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    const file = await open(temporary, 'w', 0o600);
    try {
      await file.writeFile(pem);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
    return new HostKey(privateKey);
  }

  /** A key that lives only in memory (tests). */
  static ephemeral(): HostKey {
    return new HostKey(generateKeyPairSync('ed25519').privateKey);
  }

  /** The proof a registration of `host` by the run `agentRunId` carries, signed at `now`. */
  prove(host: string, agentRunId: string, now = Date.now()): HostKeyProof {
    const input = hostKeySigningInput(host, agentRunId, now);
    return {
      publicKey: this.publicKey,
      signedAt: now,
      signature: sign(null, Buffer.from(input), this.privateKey).toString('base64url'),
    };
  }
}
