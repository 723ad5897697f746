import {
  Commands,
  ErrorCodes,
  FederaError,
  Subjects,
  ValidationFailed,
  parsePayload,
  validateCommand,
  type CommandName,
  type CommandReply,
} from '@federa/contracts';
import type { ClassConstructor } from 'class-transformer';
import { JSONCodec, type NatsConnection } from 'nats';

const json = JSONCodec();

/** Sends commands to owning services over NATS request/reply and turns refusals back into FederaErrors. */
export class CommandClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly subjects: Subjects,
    /** @default 5000 */
    private readonly timeoutMs = 5000,
  ) {}

  /**
   * Sends a command of the contracts' registry (`Commands`) to its owning service after checking it
   * completely (class and cross-field rules); throws ValidationFailed listing every error, before
   * anything leaves, and otherwise as `send`.
   */
  async sendCommand<R = unknown>(name: CommandName, payload: unknown): Promise<R> {
    const checked = validateCommand(name, payload);
    if (!checked.ok) throw new ValidationFailed(checked.errors, 'request');
    return this.send<R>(Commands[name].service, Commands[name].subject, payload as object);
  }

  /**
   * As `sendCommand`, but answers the result as the JSON text the service sent, never decoded: for a
   * caller that passes a large answer on as it is (the gateway's lists), where decoding and encoding
   * it again would cost more than everything else it does. A refusal still throws its FederaError.
   * `validated`: the caller has checked this payload with `validateCommand` already (the gateway
   * checks each distinct list query once); the owning service checks what arrives in any case.
   */
  async sendCommandForJson(
    name: CommandName,
    payload: unknown,
    options: { validated?: boolean } = {},
  ): Promise<Uint8Array> {
    if (!options.validated) {
      const checked = validateCommand(name, payload);
      if (!checked.ok) throw new ValidationFailed(checked.errors, 'request');
    }
    const data = await this.request(
      Commands[name].service,
      Commands[name].subject,
      payload as object,
    );
    return resultJson(data);
  }

  /**
   * Validates `payload` with the contract class (when given) before it leaves, sends it, and answers
   * the result; throws FederaError with the service's code, `validation_failed` when the command is
   * larger than the server's max_payload, or `unavailable` when nobody answers.
   */
  async send<R = unknown>(
    service: string,
    command: string,
    payload: object,
    contract?: ClassConstructor<object>,
  ): Promise<R> {
    const body = contract ? parsePayload(contract, payload, `${command} command`) : payload;
    const reply = json.decode(await this.request(service, command, body)) as CommandReply<R>;
    if (!reply.ok) throw FederaError.fromBody(reply);
    return reply.result;
  }

  /** The reply's bytes; throws when the command is too large for the bus or nobody answers. */
  private async request(service: string, command: string, body: object): Promise<Uint8Array> {
    const data = json.encode(body);
    const maxPayload = this.nc.info?.max_payload;
    // nats would refuse it too, as if nobody had answered; the caller can act on this one.
    if (maxPayload !== undefined && data.length > maxPayload) {
      throw new FederaError(ErrorCodes.validation, `the ${command} command is too large to send`, [
        {
          path: '',
          reason: `the command is ${data.length} bytes, over the bus's max_payload of ${maxPayload} bytes`,
        },
      ]);
    }
    try {
      const msg = await this.nc.request(this.subjects.command(service, command), data, {
        timeout: this.timeoutMs,
      });
      return msg.data;
    } catch (error) {
      throw new FederaError(
        ErrorCodes.unavailable,
        `${service} did not answer ${command}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** How CommandTransport encodes every successful reply (JSON.stringify keeps the key order). */
const okPrefix = new TextEncoder().encode('{"ok":true,"result":');
const closingBrace = '}'.charCodeAt(0);

/**
 * The `result` of a successful reply as JSON text, cut out of the reply without decoding it; a
 * reply of another shape is decoded, and a refusal thrown as its FederaError.
 */
export function resultJson(reply: Uint8Array): Uint8Array {
  if (
    reply.length > okPrefix.length &&
    reply[reply.length - 1] === closingBrace &&
    okPrefix.every((byte, i) => reply[i] === byte)
  ) {
    return reply.subarray(okPrefix.length, reply.length - 1);
  }
  const decoded = json.decode(reply) as CommandReply;
  if (!decoded.ok) throw FederaError.fromBody(decoded);
  return new TextEncoder().encode(JSON.stringify(decoded.result ?? null));
}
