import {
  Commands,
  ErrorCodes,
  FederaError,
  Subjects,
  ValidationFailed,
  parsePayload,
  validateCommand,
  type CommandName,
  type CommandOrigin,
  type CommandReply,
} from '@federa/contracts';
import type { ClassConstructor } from 'class-transformer';
import { currentCorrelationId } from '@federa/runtime/service-logger';
import { SpanKind, inSpan, injectTraceContext, tracingOn } from '@federa/runtime/tracing';
import { JSONCodec, MsgHdrsImpl, headers as natsHeaders, type NatsConnection } from 'nats';
import { commandOriginHeaders } from './command-origin';

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
  async sendCommand<R = unknown>(
    name: CommandName,
    payload: unknown,
    origin?: CommandOrigin,
  ): Promise<R> {
    const checked = validateCommand(name, payload);
    if (!checked.ok) throw new ValidationFailed(checked.errors, 'request');
    return this.send<R>(
      Commands[name].service,
      Commands[name].subject,
      payload as object,
      undefined,
      origin,
    );
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
    options: { validated?: boolean; origin?: CommandOrigin } = {},
  ): Promise<Uint8Array> {
    if (!options.validated) {
      const checked = validateCommand(name, payload);
      if (!checked.ok) throw new ValidationFailed(checked.errors, 'request');
    }
    const data = await this.request(
      Commands[name].service,
      Commands[name].subject,
      payload as object,
      options.origin,
    );
    return resultJson(data);
  }

  /**
   * Validates `payload` with the contract class (when given) before it leaves, sends it, and answers
   * the result; throws FederaError with the service's code, `validation_failed` when the command is
   * larger than the server's max_payload, or `unavailable` when nobody answers. `origin`: who asked
   * (the gateway's caller), sent in headers for the owning service to record as the actor.
   */
  async send<R = unknown>(
    service: string,
    command: string,
    payload: object,
    contract?: ClassConstructor<object>,
    origin?: CommandOrigin,
  ): Promise<R> {
    const body = contract ? parsePayload(contract, payload, `${command} command`) : payload;
    const reply = json.decode(
      await this.request(service, command, body, origin),
    ) as CommandReply<R>;
    if (!reply.ok) throw FederaError.fromBody(reply);
    return reply.result;
  }

  /** As `requestOnce`, in a client span whose context the command carries (`traceparent`). */
  private request(
    service: string,
    command: string,
    body: object,
    origin?: CommandOrigin,
  ): Promise<Uint8Array> {
    if (!tracingOn()) return this.requestOnce(service, command, body, origin);
    return inSpan(
      'federa-messaging',
      `send cmd.${service}.${command}`,
      () => this.requestOnce(service, command, body, origin),
      { kind: SpanKind.CLIENT, attributes: { 'messaging.system': 'nats' } },
    );
  }

  /** The reply's bytes; throws when the command is too large for the bus or nobody answers. */
  private async requestOnce(
    service: string,
    command: string,
    body: object,
    origin?: CommandOrigin,
  ): Promise<Uint8Array> {
    const data = json.encode(body);
    // The request (or command) being served: the owning service's log lines carry its id too.
    let headers = commandOriginHeaders(origin, currentCorrelationId());
    if (tracingOn()) {
      headers ??= natsHeaders();
      injectTraceContext(headers);
    }
    // nats counts the headers (Federa-Actor…) in max_payload too.
    const size = data.length + (headers instanceof MsgHdrsImpl ? headers.encode().length : 0);
    const maxPayload = this.nc.info?.max_payload;
    // nats would refuse it too, as if nobody had answered; the caller can act on this one.
    if (maxPayload !== undefined && size > maxPayload) {
      throw new FederaError(ErrorCodes.validation, `the ${command} command is too large to send`, [
        {
          path: '',
          reason: `the command is ${size} bytes with its headers, over the bus's max_payload of ${maxPayload} bytes`,
        },
      ]);
    }
    try {
      const msg = await this.nc.request(this.subjects.command(service, command), data, {
        timeout: this.timeoutMs,
        headers,
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
