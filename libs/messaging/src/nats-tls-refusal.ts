import type { NatsSecurity } from './nats-connection';

/**
 * Node's codes for a server certificate that does not verify (its chain, its dates, its names):
 * OpenSSL's X509 verification results as Node spells them, and Node's own hostname check.
 */
const CERTIFICATE_REFUSALS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The TLS refusal to report for a failed first connection, or undefined when it failed otherwise. */
export function natsTlsRefusal(
  error: unknown,
  servers: string,
  security: NatsSecurity,
): NatsTlsRefusal | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = (typeof message === 'string' ? message : String(error)).trim();
  const ca = security.tls?.caFile;
  if (typeof code === 'string' && CERTIFICATE_REFUSALS.has(code)) {
    const trusted = ca
      ? `the CA of FEDERA_NATS_TLS_CA (${ca})`
      : 'the system CAs (FEDERA_NATS_TLS_CA is not set)';
    return new NatsTlsRefusal(
      `NATS at ${servers}: refusing the server's certificate, not verified by ${trusted}: ${text} (${code})`,
      code,
    );
  }
  // nats.js: the client asked for TLS (FEDERA_NATS_TLS_*) and the server does not offer it.
  if (code === 'SERVER_OPT_NA' && text === 'tls')
    return new NatsTlsRefusal(
      `NATS at ${servers} does not offer TLS, and FEDERA_NATS_TLS_* ask for it: refusing to talk in clear`,
      code,
    );
  // The handshake itself failed: most often a server that asks for a client certificate
  // (FEDERA_NATS_TLS_CERT/FEDERA_NATS_TLS_KEY) that it was not given or does not accept.
  if (code === 'TLS' || (typeof code === 'string' && code.startsWith('ERR_SSL_')))
    return new NatsTlsRefusal(
      `NATS at ${servers}: the TLS handshake failed${
        security.tls?.certFile
          ? ''
          : ' (FEDERA_NATS_TLS_CERT is not set: does the server ask for a client certificate?)'
      }: ${text} (${code})`,
      code,
    );
  return undefined;
}

/** A first connection to NATS that TLS refused: a configuration to fix, not an outage to wait out. */
export class NatsTlsRefusal extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'NatsTlsRefusal';
  }
}
