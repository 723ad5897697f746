import { ValidateBy, type ValidationOptions } from 'class-validator';
import { RESOURCE_NAME, RESOURCE_NAME_RULE } from '../../names/resource-name';

// The one definition of each kind of id: events, commands and the agent protocol all validate with
// these, so that an id the API accepts is one every agent accepts too.

/** A host id is one NATS subject token and a file name: lower-case letters, digits and dashes. */
export const HOST_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const HOST_ID_RULE = 'must be a host id of 1 to 63 lower-case letters, digits or "-"';

/**
 * Instance ids travel in subjects and file names: letters, digits, dots, underscores and dashes. Up to
 * 134 characters: supervision names instances `<service>-<app>-<6 hex digits>`, names of up to 63 each.
 */
export const INSTANCE_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,133}$/;
export const INSTANCE_ID_RULE =
  'must be an instance id of 1 to 134 letters, digits, ".", "_" or "-"';

/** Other entity ids (migrations, statistics subjects): safe in stream ids. */
export const ENTITY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const ENTITY_ID_RULE = 'must be an id of 1 to 128 letters, digits, ".", "_", ":" or "-"';

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

/** A host id (HOST_ID_PATTERN). */
export function IsHostId(options?: ValidationOptions): PropertyDecorator {
  return matching('isHostId', HOST_ID_PATTERN, HOST_ID_RULE, options);
}

/** An instance id (INSTANCE_ID_PATTERN). */
export function IsInstanceId(options?: ValidationOptions): PropertyDecorator {
  return matching('isInstanceId', INSTANCE_ID_PATTERN, INSTANCE_ID_RULE, options);
}

/** A migration id or another entity's id that is neither a host nor an instance (ENTITY_ID_PATTERN). */
export function IsEntityId(options?: ValidationOptions): PropertyDecorator {
  return matching('isEntityId', ENTITY_ID_PATTERN, ENTITY_ID_RULE, options);
}

/** A service or application name: `[a-z0-9-]{1,63}`. */
export function IsResourceName(options?: ValidationOptions): PropertyDecorator {
  return matching('isResourceName', RESOURCE_NAME, RESOURCE_NAME_RULE, options);
}
