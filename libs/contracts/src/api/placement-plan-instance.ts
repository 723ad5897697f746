import { IsString } from 'class-validator';
import { IsResourceName } from '../events/values/identifiers';
import { PlacementOutcome } from './placement-outcome';

/** One instance of a dry run: where it would go and why, or why it could not. */
export class PlacementPlanInstance extends PlacementOutcome {
  @IsResourceName()
  app: string;

  /** A name for the planned instance (`plan-<service>-<app>-<n>`); nothing of that name exists. */
  @IsString()
  instance: string;
}
