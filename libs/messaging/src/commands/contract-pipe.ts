import type { PipeTransform } from '@nestjs/common';
import { parsePayload } from '@federa/contracts';
import type { ClassConstructor } from 'class-transformer';

/**
 * Validates a NATS message with its contract class on the receiving side; a refusal becomes a
 * `validation_failed` reply listing every field error, and the handler never runs. For messages
 * outside the command registry (an agent's registration); gateway commands use CommandContractPipe.
 */
export class ContractPipe<T extends object> implements PipeTransform<unknown, T> {
  constructor(private readonly contract: ClassConstructor<T>) {}

  transform(value: unknown): T {
    return parsePayload(this.contract, value, this.contract.name);
  }
}
