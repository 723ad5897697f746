import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { nkeys } from 'nats';
import {
  BUS_IDENTITY_LINE,
  Subjects,
  busIdentity,
  formatBusIdentity,
  type BusIdentity,
} from '@federa/contracts';
import { natsAuthorization, type IssuedIdentity } from './domain/nats-authorization';

interface IdentitiesFile {
  subjectPrefix: string;
  identities: { kind: string; name: string; publicKey: string }[];
}

/**
 * A directory of bus credentials: `<kind>-<name>.nk` (an identity's nkey seed, mode 0600),
 * `identities.json` (the subject prefix, and each identity with its public key) and `nats-auth.conf`
 * (the server's `authorization` block, rendered from the two). The seeds never leave the directory;
 * the server needs only the public keys.
 */
export class CredentialsDir {
  constructor(readonly dir: string) {}

  get authConfigPath(): string {
    return join(this.dir, 'nats-auth.conf');
  }

  private get identitiesPath(): string {
    return join(this.dir, 'identities.json');
  }

  seedPath(identity: BusIdentity): string {
    return join(this.dir, `${identity.kind}-${identity.name}.nk`);
  }

  exists(): boolean {
    return existsSync(this.identitiesPath);
  }

  /** Starts the directory (kept as it is when it exists already) for a bus of `subjectPrefix`. */
  init(subjectPrefix: string): void {
    new Subjects(subjectPrefix);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    if (!this.exists()) this.write({ subjectPrefix, identities: [] });
  }

  get subjects(): Subjects {
    return new Subjects(this.read().subjectPrefix);
  }

  issued(): IssuedIdentity[] {
    return this.read().identities.map((i) => ({
      identity: busIdentity(i.kind, i.name),
      publicKey: i.publicKey,
    }));
  }

  /**
   * Gives `identity` a new nkey pair (replacing any it had: its old seed stops working once the
   * server reloads the rendered block) and renders the block. Answers the seed file's path.
   */
  issue(identity: BusIdentity): string {
    const file = this.read();
    const pair = nkeys.createUser();
    const seed = new TextDecoder().decode(pair.getSeed());
    const path = this.seedPath(identity);
    writeFileSync(path, `${BUS_IDENTITY_LINE}${formatBusIdentity(identity)}\n${seed}\n`, {
      mode: 0o600,
    });
    chmodSync(path, 0o600);
    const others = file.identities.filter(
      (i) => !(i.kind === identity.kind && i.name === identity.name),
    );
    this.write({
      ...file,
      identities: [
        ...others,
        { kind: identity.kind, name: identity.name, publicKey: pair.getPublicKey() },
      ],
    });
    this.render();
    return path;
  }

  /** Removes `identity` and its seed; answers false when it was not issued here (nothing changes). */
  revoke(identity: BusIdentity): boolean {
    const file = this.read();
    const kept = file.identities.filter(
      (i) => !(i.kind === identity.kind && i.name === identity.name),
    );
    if (kept.length === file.identities.length) return false;
    this.write({ ...file, identities: kept });
    rmSync(this.seedPath(identity), { force: true });
    this.render();
    return true;
  }

  /** Writes `nats-auth.conf` from `identities.json`; answers its path. */
  render(): string {
    replaceFile(this.authConfigPath, natsAuthorization(this.issued(), this.subjects));
    return this.authConfigPath;
  }

  private read(): IdentitiesFile {
    if (!this.exists())
      throw new Error(
        `--dir: ${this.dir} holds no identities.json (federa credentials init --dir ${this.dir})`,
      );
    return JSON.parse(readFileSync(this.identitiesPath, 'utf8')) as IdentitiesFile;
  }

  private write(file: IdentitiesFile): void {
    replaceFile(this.identitiesPath, `${JSON.stringify(file, null, 2)}\n`);
  }
}

/** Writes whole or not at all: a server reloading meanwhile never reads half a file. */
function replaceFile(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}
