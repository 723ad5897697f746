/** The address a backend variable (FEDERA_DATABASE_URL, FEDERA_NATS_URL) names, and what is known of it. */
export interface BackendAddress {
  /** The variable the address comes from, named in every message. */
  variable: string;
  /** What is expected there, for messages: `PostgreSQL`, `NATS`. */
  what: string;
  host: string;
  port: number;
  /**
   * The address of this machine the host resolves to (`localhost` → 127.0.0.1), where `federa up`
   * may start a server of its own; undefined for a host that is not this machine.
   */
  localAddress: string | undefined;
  /** True when the variable is set; false when the address is the built-in default. */
  named: boolean;
}

/** What answers at the address, as probed. */
export type BackendAnswer =
  /** A server that works: connected (and, for NATS, JetStream answered). */
  | { kind: 'usable' }
  /** Nothing listens, and `federa up` may listen there. */
  | { kind: 'free' }
  /** Something answers that is not a usable server, or nothing does and the port cannot be taken. */
  | { kind: 'unusable'; reason: string };

/** What `federa up` does about one backend. */
export type BackendChoice =
  | { kind: 'use'; say: string }
  /**
   * Start its own server on `host`:`port` (`port` undefined: any free one). `why` is printed
   * before the address it starts on; `instead` when that is not the address the variable names.
   */
  | { kind: 'start'; host: string; port: number | undefined; instead: boolean; why: string }
  | { kind: 'fail'; error: string };

/**
 * Where `federa up` finds or starts a backend. The rule: a URL that is set is used when it works,
 * served by `federa up` on exactly its port when nothing listens there on this machine, and
 * otherwise refused with the reason and the variable named; only the built-in default gives way to
 * another port, and then the output says why. So whatever a URL names stays true, and a server
 * started elsewhere is never a surprise (docs/adr/federa-up-backends.md).
 */
export function chooseBackend(address: BackendAddress, answer: BackendAnswer): BackendChoice {
  const { variable, what, host, port, localAddress, named } = address;
  const at = `${what} at ${hostPort(host, port)}`;
  if (answer.kind === 'usable') return { kind: 'use', say: `using ${at} (${variable})` };
  if (answer.kind === 'free' && localAddress !== undefined) {
    return {
      kind: 'start',
      host: localAddress,
      port,
      instead: false,
      why: `${at} does not answer`,
    };
  }
  const reason = answer.kind === 'unusable' ? answer.reason : 'nothing answers';
  if (named) {
    const where =
      localAddress === undefined
        ? `${hostPort(host, port)}, which is not an address of this machine (federa up starts ` +
          `a ${what} of its own only here)`
        : `${hostPort(host, port)}, where something that is not a usable ${what} answers`;
    return {
      kind: 'fail',
      error:
        `${variable} names ${where}: ${reason}. Start that ${what} or fix the URL, point ` +
        `${variable} at a free local port for federa up to start one there, or unset it.`,
    };
  }
  return {
    kind: 'start',
    host: '127.0.0.1',
    port: undefined,
    instead: true,
    why:
      `${at} (the default of ${variable}, which is not set) is not usable: ${reason}; ` +
      `set ${variable} to use that server`,
  };
}

/** host:port, with an IPv6 host in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
