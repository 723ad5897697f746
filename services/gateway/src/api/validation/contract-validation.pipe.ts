import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ValidationFailed, validatePayload } from '@federa/contracts';

const plainTypes = new Set<unknown>([Object, String, Number, Boolean, Array]);

/**
 * Validates every `@Body()` typed with a contract class (class-validator) with `validatePayload`:
 * unknown keys and wrong types are refused, every error listed with its path, before the handler runs.
 */
@Injectable()
export class ContractValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const contract = metadata.metatype;
    if (metadata.type !== 'body' || !contract || plainTypes.has(contract)) return value;
    const result = validatePayload(contract as new () => object, value ?? undefined);
    if (!result.ok) throw new ValidationFailed(result.errors, 'request body');
    return result.value;
  }
}
