import { validatePayload, type Validated } from '../validation/validate';
import { checkServiceSpecRules } from './service-spec-checks';
import { ServiceSpec } from './service-spec';

/** Checks a plain spec completely: every shape error and every cross-field error, each with its path. */
export function validateServiceSpec(plain: unknown): Validated<ServiceSpec> {
  const shaped = validatePayload(ServiceSpec, plain);
  const rules = checkServiceSpecRules(plain);
  if (shaped.ok && rules.length === 0) return shaped;
  const errors = [...(shaped.ok ? [] : shaped.errors), ...rules];
  return { ok: false, errors };
}
