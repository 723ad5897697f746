import { IsIn, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';

export const ScalingMetrics = ['load', 'cpu', 'memory'] as const;
export type ScalingMetric = (typeof ScalingMetrics)[number];

/** Autoscaling between replicas.min and max on a 0..1 metric; `scaleInBelow < scaleOutAbove` is a cross-field check. */
export class ScalingSpec {
  @IsIn(ScalingMetrics)
  metric: ScalingMetric;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  scaleOutAbove: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  scaleInBelow: number;

  /** @default 30000 */
  @IsOptional()
  @IsInt()
  @Min(0)
  cooldownMs?: number;
}
