import { IsOptional } from 'class-validator';
import {
  IsBandwidthQuantity,
  IsByteQuantity,
  IsCpuQuantity,
} from '../quantities/quantity-decorators';

/**
 * What one instance of an application needs; cpu and memory are required and more than 0 (a
 * cross-field check, checkServiceSpecRules), storage and bandwidth default to 0.
 */
export class ResourcesSpec {
  @IsCpuQuantity()
  cpu: string | number;

  @IsByteQuantity()
  memory: string | number;

  @IsOptional()
  @IsByteQuantity()
  storage?: string | number;

  @IsOptional()
  @IsBandwidthQuantity()
  bandwidth?: string | number;
}
