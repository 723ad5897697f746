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
  /** Accepted payloads by their JSON text, when `remember` is set. */
  private readonly accepted = new Map<string, CommandPayloadOf<N>>();

  /**
   * `remember`: how many distinct accepted payloads to keep, answered again without validating:
   * for queries that arrive by the thousand with a handful of shapes (list pages), whose handler
   * only reads the value it is given. A remembered value is frozen, as every request sharing it
   * relies on: a handler that tried to change it would throw rather than change the next request.
   */
  constructor(
    private readonly name: N,
    private readonly options: { remember?: number } = {},
  ) {}

  transform(value: unknown): CommandPayloadOf<N> {
    const remember = this.options.remember ?? 0;
    const key = remember > 0 ? JSON.stringify(value) : undefined;
    const known = key === undefined ? undefined : this.accepted.get(key);
    if (known !== undefined) return known;
    const result = validateCommand(this.name, value);
    if (!result.ok) throw new ValidationFailed(result.errors, `${this.name} command`);
    if (key !== undefined) {
      if (this.accepted.size >= remember) this.accepted.clear();
      this.accepted.set(key, deepFreeze(result.value));
    }
    return result.value;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}
