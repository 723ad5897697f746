import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

/** The validator name that marks a property as nullable, for whoever describes the classes (OpenAPI). */
export const IS_NULLABLE = 'isNullable';

/**
 * The property is always present: null, or a value the property's other decorators accept. An
 * absent property still fails those decorators.
 */
export function IsNullable(options?: ValidationOptions): PropertyDecorator {
  return (target, property) => {
    ValidateIf((_object, value) => value !== null, options)(target, property);
    ValidateBy({ name: IS_NULLABLE, validator: { validate: () => true } }, options)(
      target,
      property,
    );
  };
}
