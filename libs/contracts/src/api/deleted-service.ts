import { Equals } from 'class-validator';
import { IsResourceName } from '../events/values/identifiers';

/** The answer of `DELETE /v1/services/{name}`. */
export class DeletedService {
  @IsResourceName()
  name: string;

  @Equals(true)
  deleted: true;
}
