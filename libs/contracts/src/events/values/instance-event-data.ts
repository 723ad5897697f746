import { IsOptional } from 'class-validator';
import { IsHostId, IsInstanceId, IsResourceName } from './identifiers';

/** Which service, application and instance an instance event is about. */
export class InstanceRefData {
  @IsResourceName()
  service: string;

  @IsResourceName()
  app: string;

  @IsInstanceId()
  instance: string;
}

/** What every instance event carries in `data` (public); `host` is absent before placement. */
export class InstanceEventData extends InstanceRefData {
  @IsOptional()
  @IsHostId()
  host?: string;
}

/** An instance event that happens on a host, so `host` is required. */
export class PlacedInstanceEventData extends InstanceRefData {
  @IsHostId()
  host: string;
}
