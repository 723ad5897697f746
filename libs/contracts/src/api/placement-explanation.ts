import { IsInt, Min } from 'class-validator';
import { IsInstanceId, IsResourceName } from '../events/values/identifiers';
import { PlacementOutcome } from './placement-outcome';

/** Why an instance is where it is (`GET /v1/placements/{instanceId}`): placement's latest decision about it. */
export class PlacementExplanation extends PlacementOutcome {
  @IsInstanceId()
  instance: string;

  @IsResourceName()
  service: string;

  @IsResourceName()
  app: string;

  /** Hosts the decision looked at. */
  @IsInt()
  @Min(0)
  hostsConsidered: number;

  /** Log position of the event that recorded the decision. */
  @IsInt()
  @Min(1)
  position: number;
}
