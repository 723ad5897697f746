import { Type } from 'class-transformer';
import { IsArray, IsObject, IsString, ValidateNested } from 'class-validator';
import type { ErrorBody } from '../errors/error-body';

/** What went wrong: a machine-readable code, a sentence, and the details (for validation, each field). */
export class ErrorDescription {
  /** `validation_failed`, `unauthorized`, `forbidden`, `not_found`, `conflict`, `unavailable`, `internal`. */
  @IsString()
  code: string;

  @IsString()
  message: string;

  /** For `validation_failed`, one `{ path, reason }` per field. */
  @IsArray()
  details: unknown[];
}

/** The body of every failure: `{ "error": { code, message, details } }`. */
export class ErrorResponse implements ErrorBody {
  @IsObject()
  @ValidateNested()
  @Type(() => ErrorDescription)
  error: ErrorDescription;
}
