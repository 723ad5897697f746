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
    let reply: CommandReply<R>;
    try {
      const msg = await this.nc.request(this.subjects.command(service, command), data, {
        timeout: this.timeoutMs,
      });
      reply = json.decode(msg.data) as CommandReply<R>;
    } catch (error) {
      throw new FederaError(
        ErrorCodes.unavailable,
        `${service} did not answer ${command}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!reply.ok) throw FederaError.fromBody(reply);
    return reply.result;
  }
}
