import { natsTlsRefusal, NatsTlsRefusal } from './nats-tls-refusal';

const failure = (code: string, message: string) => Object.assign(new Error(message), { code });
const url = 'nats://bus.example:4222';

describe('natsTlsRefusal', () => {
  it('names the CA file that did not verify the server certificate', () => {
    const refusal = natsTlsRefusal(
      failure('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate'),
      url,
      { tls: { caFile: '/etc/federa/nats-ca.pem' } },
    );
    expect(refusal).toBeInstanceOf(NatsTlsRefusal);
    expect(refusal?.message).toBe(
      "NATS at nats://bus.example:4222: refusing the server's certificate, not verified by the CA of " +
        'FEDERA_NATS_TLS_CA (/etc/federa/nats-ca.pem): unable to verify the first certificate ' +
        '(UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
    );
  });

  it('says FEDERA_NATS_TLS_CA is not set when the system CAs refused the certificate', () => {
    const refusal = natsTlsRefusal(failure('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed'), url, {});
    expect(refusal?.message).toContain('the system CAs (FEDERA_NATS_TLS_CA is not set)');
  });

  it('counts a certificate for another host name as refused', () => {
    const refusal = natsTlsRefusal(
      failure('ERR_TLS_CERT_ALTNAME_INVALID', "Host: bus.example. is not in the cert's altnames"),
      url,
      { tls: { caFile: '/ca.pem' } },
    );
    expect(refusal?.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('refuses a server without TLS when TLS was asked for', () => {
    const refusal = natsTlsRefusal(failure('SERVER_OPT_NA', 'tls'), url, {
      tls: { caFile: '/ca.pem' },
    });
    expect(refusal?.message).toContain('does not offer TLS');
  });

  it('suggests a client certificate when the handshake fails without one', () => {
    const refusal = natsTlsRefusal(
      failure('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'sslv3 alert bad certificate\n'),
      url,
      { tls: { caFile: '/ca.pem' } },
    );
    expect(refusal?.message).toContain('FEDERA_NATS_TLS_CERT is not set');
    expect(refusal?.message.endsWith('(ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE)')).toBe(true);
  });

  it('leaves an outage to be waited out', () => {
    expect(natsTlsRefusal(failure('CONNECTION_REFUSED', 'connect ECONNREFUSED'), url, {})).toBe(
      undefined,
    );
    expect(natsTlsRefusal(undefined, url, {})).toBe(undefined);
  });
});
