import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { BusServices, busIdentity, type BusIdentity } from '@federa/contracts';
import { natsConnectionOptions } from '@federa/messaging';
import { NatsServerProcess, uniquePrefix } from '@federa/testing';
import { CredentialsDir } from '../cli/src/credentials/credentials-dir';

/**
 * A nats-server of a test's own that admits only the identities of a credentials directory
 * (`federa credentials`), with JetStream, and clients connecting as one of them.
 */
export class AuthenticatedBus {
  private constructor(
    readonly server: NatsServerProcess,
    readonly credentials: CredentialsDir,
    readonly prefix: string,
    private readonly root: string,
    readonly log: string[],
  ) {}

  static async start(label: string, hosts: string[]): Promise<AuthenticatedBus> {
    const root = mkdtempSync(join(tmpdir(), 'federa-bus-auth-'));
    const prefix = uniquePrefix(label);
    const credentials = new CredentialsDir(join(root, 'credentials'));
    credentials.init(prefix);
    for (const name of BusServices) credentials.issue(busIdentity('service', name));
    for (const host of hosts) credentials.issue(busIdentity('agent', host));
    credentials.issue(busIdentity('reader', 'billing'));
    credentials.issue(busIdentity('simulator', 'load'));
    const config = join(root, 'nats.conf');
    // JetStream in the file, not on the command line: else a reload shuts it down. An include is read
    // relative to the including file.
    writeFileSync(
      config,
      `jetstream: { store_dir: ${JSON.stringify(join(root, 'jetstream'))} }\ninclude "credentials/nats-auth.conf"\n`,
    );
    const log: string[] = [];
    const server = await NatsServerProcess.start({
      config,
      logTo: (text) => log.push(text),
      jetStreamInConfig: true,
    }).catch((error: Error) => {
      throw new Error(`${error.message}; nats-server said: ${log.join('')}`);
    });
    return new AuthenticatedBus(server, credentials, prefix, root, log);
  }

  get url(): string {
    return this.server.url;
  }

  seedOf(kind: string, name: string): string {
    return this.credentials.seedPath(busIdentity(kind, name));
  }

  /** Connects as `identity` (no reconnection: a closed connection stays closed). */
  connectAs(identity: BusIdentity): Promise<NatsConnection> {
    const options = natsConnectionOptions(this.url, `test-${identity.kind}-${identity.name}`, {
      credentialsFile: this.credentials.seedPath(identity),
    });
    return connect({ ...options, reconnect: false, waitOnFirstConnect: false });
  }

  async dispose(): Promise<void> {
    await this.server.dispose();
    rmSync(this.root, { recursive: true, force: true });
  }
}
