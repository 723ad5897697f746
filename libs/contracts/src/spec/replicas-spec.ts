import { IsInt, Max, Min } from 'class-validator';
import { SpecLimits } from './spec-limits';

const perApplication = {
  message: `must not exceed the limit of ${SpecLimits.replicasPerApplication} replicas per application`,
};

/** How many instances run; the autoscaler moves between min and max. `min ≤ max` is a cross-field check. */
export class ReplicasSpec {
  @IsInt()
  @Min(0)
  @Max(SpecLimits.replicasPerApplication, perApplication)
  min: number;

  @IsInt()
  @Min(1)
  @Max(SpecLimits.replicasPerApplication, perApplication)
  max: number;
}
