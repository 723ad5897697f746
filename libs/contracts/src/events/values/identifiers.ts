import { ValidateBy, type ValidationOptions } from 'class-validator';
import { RESOURCE_NAME, RESOURCE_NAME_RULE } from '../../names/resource-name';

const ENTITY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const ENTITY_ID_RULE = 'must be an id of 1 to 128 letters, digits, ".", "_", ":" or "-"';

function matching(
  name: string,
  pattern: RegExp,
  rule: string,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && pattern.test(value),
        defaultMessage: () => rule,
      },
    },
    options,
  );
}

/** A host, instance or migration id, safe in stream ids and subjects. */
export function IsEntityId(options?: ValidationOptions): PropertyDecorator {
  return matching('isEntityId', ENTITY_ID, ENTITY_ID_RULE, options);
}

/** A service or application name: `[a-z0-9-]{1,63}`. */
export function IsResourceName(options?: ValidationOptions): PropertyDecorator {
  return matching('isResourceName', RESOURCE_NAME, RESOURCE_NAME_RULE, options);
}
