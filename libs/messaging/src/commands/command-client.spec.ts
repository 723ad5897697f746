import { Subjects } from '@federa/contracts';
import { withCorrelationId } from '@federa/runtime/service-logger';
import type { MsgHdrs, NatsConnection } from 'nats';
import { CommandClient } from './command-client';

describe('CommandClient', () => {
  it('refuses a command whose body fits max_payload but not with its actor headers, naming the size', async () => {
    const maxPayload = 200;
    let sent = 0;
    const nc = {
      info: { max_payload: maxPayload },
      request: () => {
        sent++;
        return Promise.reject(new Error('MAX_PAYLOAD_EXCEEDED'));
      },
    } as unknown as NatsConnection;
    const client = new CommandClient(nc, new Subjects('test'));
    // {"x":"…"}: 8 bytes around the text, so the body is exactly max_payload - 20 bytes.
    const payload = { x: 'a'.repeat(maxPayload - 28) };
    const refusal = await client
      .send('inventory', 'registerHost', payload, undefined, {
        actor: 'token:alice',
        actorRole: 'operator',
      })
      .catch((error: unknown) => error);
    expect(refusal).toMatchObject({
      code: 'validation_failed',
      details: [{ path: '', reason: expect.stringContaining('with its headers') }],
    });
    expect(sent).toBe(0);
  });

  describe('the correlation id', () => {
    /** A connection that records the headers of each request and answers an empty result. */
    function recordingConnection(): { nc: NatsConnection; sent: (MsgHdrs | undefined)[] } {
      const sent: (MsgHdrs | undefined)[] = [];
      const nc = {
        info: { max_payload: 1_000_000 },
        request: (_subject: string, _data: Uint8Array, options: { headers?: MsgHdrs }) => {
          sent.push(options.headers);
          return Promise.resolve({ data: new TextEncoder().encode('{"ok":true,"result":{}}') });
        },
      } as unknown as NatsConnection;
      return { nc, sent };
    }

    it('is passed on from the request being served, for the owning service to log', async () => {
      const { nc, sent } = recordingConnection();
      const client = new CommandClient(nc, new Subjects('test'));
      await withCorrelationId('req-7', () => client.send('inventory', 'listHosts', {}));
      expect(sent[0]?.get('Federa-Correlation-Id')).toBe('req-7');
    });

    it('is not sent outside a request', async () => {
      const { nc, sent } = recordingConnection();
      await new CommandClient(nc, new Subjects('test')).send('inventory', 'listHosts', {});
      expect(sent[0]).toBeUndefined();
    });
  });
});
