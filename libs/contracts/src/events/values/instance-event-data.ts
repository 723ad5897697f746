import { IsOptional } from 'class-validator';
import { IsEntityId, IsResourceName } from './identifiers';

/** Which service, application and instance an instance event is about. */
export class InstanceRefData {
  @IsResourceName()
  service: string;

  @IsResourceName()
  app: string;

  @IsEntityId()
  instance: string;
}

/** What every instance event carries in `data` (CONTRACT.md); `host` is absent before placement. */
export class InstanceEventData extends InstanceRefData {
  @IsOptional()
  @IsEntityId()
  host?: string;
}

/** An instance event that happens on a host, so `host` is required. */
export class PlacedInstanceEventData extends InstanceRefData {
  @IsEntityId()
  host: string;
}
