import { IsResourceName } from '../events/values/identifiers';

/** The body of `POST /v1/services/{name}/copy`. */
export class CopyServiceRequest {
  /** The name of the copy. */
  @IsResourceName()
  as: string;
}
