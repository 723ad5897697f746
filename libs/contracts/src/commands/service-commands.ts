import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { IsResourceName } from '../events/values/identifiers';
import { ServiceStates, type ServiceState } from '../names/service-state';
import { ServiceSpec } from '../spec/service-spec';
import { ListQuery } from './list-query';

/** Commands about one service name it. */
export class ServiceCommand {
  @IsResourceName()
  name: string;
}

/** Create or update (`PUT /v1/services/{name}`); `spec.metadata.name` must equal `name`. */
export class ApplyServiceCommand extends ServiceCommand {
  @IsObject()
  @ValidateNested()
  @Type(() => ServiceSpec)
  spec: ServiceSpec;
}

export class DeployServiceCommand extends ServiceCommand {}
export class StopServiceCommand extends ServiceCommand {}
export class DeleteServiceCommand extends ServiceCommand {}

/** `POST /v1/services/{name}/copy` with `{ "as": "shop-2" }`. */
export class CopyServiceCommand extends ServiceCommand {
  @IsResourceName()
  as: string;
}

export class GetServiceQuery extends ServiceCommand {}

export class ListServicesQuery extends ListQuery {
  @IsOptional()
  @IsIn(ServiceStates)
  state?: ServiceState;
}
