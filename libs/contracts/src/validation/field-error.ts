/** One reason a payload was refused, located by its path in the payload (`spec.applications[0].resources.cpu`). */
export interface FieldError {
  path: string;
  reason: string;
}

/** Thrown by boundaries that validate; carries every error found, never only the first. */
export class ValidationFailed extends Error {
  constructor(
    readonly errors: FieldError[],
    what = 'payload',
  ) {
    super(`invalid ${what}: ${errors.map((e) => `${e.path || '(root)'}: ${e.reason}`).join('; ')}`);
    this.name = 'ValidationFailed';
  }
}
