import { ErrorCodes, FederaError } from '@federa/contracts';
import { resultJson } from './command-client';

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('the result of a command reply as JSON text', () => {
  it('is cut out of a successful reply as the service encoded it', () => {
    const result = { items: [{ id: 'h-1', note: 'a "quoted" }' }], next: 'h-1' };
    const reply = encode(JSON.stringify({ ok: true, result }));

    expect(JSON.parse(decode(resultJson(reply)))).toEqual(result);
    expect(decode(resultJson(reply))).toBe(JSON.stringify(result));
  });

  it('is null for a successful reply without a result', () => {
    expect(decode(resultJson(encode('{"ok":true,"result":null}')))).toBe('null');
  });

  it('is read from a successful reply written another way (spaces, other key order)', () => {
    const reply = encode('{ "result": { "items": [] }, "ok": true }');

    expect(JSON.parse(decode(resultJson(reply)))).toEqual({ items: [] });
  });

  it('throws the refusal a failed reply carries, with its code and details', () => {
    const reply = encode(
      JSON.stringify({
        ok: false,
        error: {
          code: ErrorCodes.validation,
          message: 'bad',
          details: [{ path: 'limit', reason: 'too large' }],
        },
      }),
    );

    let thrown: unknown;
    try {
      resultJson(reply);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FederaError);
    expect(thrown).toMatchObject({
      code: ErrorCodes.validation,
      details: [{ path: 'limit', reason: 'too large' }],
    });
  });
});
