import type { PipeTransform } from '@nestjs/common';
import {
  ValidationFailed,
  validateCommand,
  type CommandName,
  type CommandPayloadOf,
} from '@federa/contracts';

/** Validates a NATS command with its registry entry (class and cross-field checks); refusals list every error. */
export class CommandContractPipe<N extends CommandName> implements PipeTransform<
  unknown,
  CommandPayloadOf<N>
> {
  constructor(private readonly name: N) {}

  transform(value: unknown): CommandPayloadOf<N> {
    const result = validateCommand(this.name, value);
    if (!result.ok) throw new ValidationFailed(result.errors, `${this.name} command`);
    return result.value;
  }
}
