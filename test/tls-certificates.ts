import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why certificates cannot be made here, or undefined when they can. */
export function opensslUnavailable(): string | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return undefined;
  } catch {
    return 'the openssl command is not installed';
  }
}

/** A PEM certificate and its unencrypted key, as files. */
export interface CertificateFiles {
  cert: string;
  key: string;
}

/**
 * A throwaway certificate authority for one test file, made with the openssl command (what an
 * operator would use for a lab too, docs/security/tls.md): it signs server and client certificates
 * valid for two days. `dispose()` removes every file.
 */
export class TestCertificateAuthority {
  private constructor(
    readonly dir: string,
    readonly name: string,
  ) {}

  static create(name: string): TestCertificateAuthority {
    const dir = mkdtempSync(join(tmpdir(), 'federa-tls-'));
    const ca = new TestCertificateAuthority(dir, name);
    openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      join(dir, 'ca.key'),
      '-out',
      ca.certificate,
    ]);
    return ca;
  }

  /** The CA's certificate: what a client is told to trust. */
  get certificate(): string {
    return join(this.dir, 'ca.pem');
  }

  /** A server certificate for these DNS names and IP addresses. */
  issueServer(file: string, names: { dns?: string[]; ip?: string[] }): CertificateFiles {
    const altNames = [
      ...(names.dns ?? []).map((name) => `DNS:${name}`),
      ...(names.ip ?? []).map((ip) => `IP:${ip}`),
    ];
    return this.issue(file, altNames[0]?.slice(altNames[0].indexOf(':') + 1) ?? file, [
      `subjectAltName=${altNames.join(',')}`,
      'extendedKeyUsage=serverAuth',
    ]);
  }

  /** A client certificate (mutual TLS) whose subject is `commonName`. */
  issueClient(file: string, commonName: string): CertificateFiles {
    return this.issue(file, commonName, ['extendedKeyUsage=clientAuth']);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private issue(file: string, commonName: string, extensions: string[]): CertificateFiles {
    const files = { cert: join(this.dir, `${file}.pem`), key: join(this.dir, `${file}.key`) };
    const request = join(this.dir, `${file}.csr`);
    const extensionFile = join(this.dir, `${file}.ext`);
    writeFileSync(extensionFile, `${extensions.join('\n')}\n`);
    openssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${commonName}`,
      '-keyout',
      files.key,
      '-out',
      request,
    ]);
    openssl([
      'x509',
      '-req',
      '-in',
      request,
      '-CA',
      this.certificate,
      '-CAkey',
      join(this.dir, 'ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      extensionFile,
      '-out',
      files.cert,
    ]);
    if (!existsSync(files.cert)) throw new Error(`openssl made no ${files.cert}`);
    return files;
  }
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}
