import { validatePayload, type Validated } from '../validation/validate';
import { checkServiceSpecRules } from './service-spec-checks';
import { ServiceSpec } from './service-spec';
import { checkSpecSizeLimits } from './spec-limits';

/**
 * Checks a plain spec completely: every shape error and every cross-field error, each with its path.
 * A spec past a size limit (nesting, bytes, applications) is answered with that limit alone.
 */
export function validateServiceSpec(plain: unknown): Validated<ServiceSpec> {
  const limits = checkSpecSizeLimits(plain);
  if (limits.length > 0) return { ok: false, errors: limits };
  const shaped = validatePayload(ServiceSpec, plain);
  const rules = checkServiceSpecRules(plain);
  if (shaped.ok && rules.length === 0) return shaped;
  const errors = [...(shaped.ok ? [] : shaped.errors), ...rules];
  return { ok: false, errors };
}
