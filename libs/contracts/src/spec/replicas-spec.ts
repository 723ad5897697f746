import { IsInt, Max, Min } from 'class-validator';

/** How many instances run; the autoscaler moves between min and max. `min ≤ max` is a cross-field check. */
export class ReplicasSpec {
  @IsInt()
  @Min(0)
  @Max(10_000)
  min: number;

  @IsInt()
  @Min(1)
  @Max(10_000)
  max: number;
}
