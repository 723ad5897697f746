import { currentSchemaVersion, EventTypes, isEventType } from '@federa/contracts';
import { compileClassCheck, type ClassCheck } from './compiled-class-check';
import { contractsEventValidator } from './contracts-event-validator';
import type { EventValidator } from './event-validator';

/**
 * The contracts registry's validator, fast: an event at its type's current schema version is checked
 * by its data class compiled once (compileClassCheck); whatever that cannot prove valid (an error, an
 * older schema version to upcast, a class it cannot compile) goes to `fallback`, which decides and
 * words the errors. Every event is still checked against the same class-validator constraints.
 */
export function compiledContractsEventValidator(
  fallback: EventValidator = contractsEventValidator,
): EventValidator {
  const checks = new Map<string, ClassCheck | undefined>();
  const compiling = new Map<object, ClassCheck | undefined>();
  const checkOf = (type: string): ClassCheck | undefined => {
    if (!checks.has(type)) {
      checks.set(
        type,
        isEventType(type) ? compileClassCheck(EventTypes[type].data, compiling) : undefined,
      );
    }
    return checks.get(type);
  };
  return (event) => {
    const current = currentSchemaVersion(event.type);
    const version = event.schemaVersion ?? current;
    if (current !== undefined && version === current && checkOf(event.type)?.(event.data)) {
      return { ok: true, schemaVersion: current };
    }
    return fallback(event);
  };
}
