import type { ClassConstructor } from 'class-transformer';
import type { FieldError } from '../validation/field-error';
import { validatePayload } from '../validation/validate';
import { EventTypes, isEventType } from './event-registry';
import { UpcastError } from './upcaster-registry';
import { upcast } from './upcasters';

/**
 * Every reason an event's data does not fit its type: `type` when unknown, `schemaVersion` when it
 * cannot be brought to the current one, otherwise `data.…` paths. An older version is upcast first.
 */
export function validateEvent(type: string, schemaVersion: number, data: unknown): FieldError[] {
  if (!isEventType(type)) return [{ path: 'type', reason: `unknown event type "${type}"` }];
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
    return [{ path: 'schemaVersion', reason: 'must be a positive integer' }];
  }
  let current: unknown;
  try {
    current = upcast({ type, schemaVersion, data }).data;
  } catch (error) {
    if (error instanceof UpcastError) return [{ path: 'schemaVersion', reason: error.message }];
    return [{ path: 'data', reason: `cannot be upcast: ${(error as Error).message}` }];
  }
  const dataClass: ClassConstructor<object> = EventTypes[type].data;
  const result = validatePayload(dataClass, current);
  if (result.ok) return [];
  return result.errors.map((e) => ({ path: e.path ? `data.${e.path}` : 'data', reason: e.reason }));
}
