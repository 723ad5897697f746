import { IsOptional, ValidateBy } from 'class-validator';
import { parseBytes } from '../quantities/bytes';
import { parseCpu } from '../quantities/cpu';
import {
  IsBandwidthQuantity,
  IsByteQuantity,
  IsCpuQuantity,
} from '../quantities/quantity-decorators';
import type { QuantityResult } from '../quantities/quantity-result';

/**
 * The quantity is more than zero: an instance that needs no cpu or no memory would fit on any host
 * any number of times. A value that is not a quantity at all is left to the quantity check.
 */
function IsPositiveQuantity(parse: (input: unknown) => QuantityResult): PropertyDecorator {
  return ValidateBy({
    name: 'isPositiveQuantity',
    validator: {
      validate: (value: unknown) => {
        const result = parse(value);
        return !result.ok || result.value > 0;
      },
      defaultMessage: () => 'must be more than 0',
    },
  });
}

/** What one instance of an application needs; cpu and memory are required and positive, storage and bandwidth default to 0. */
export class ResourcesSpec {
  @IsCpuQuantity()
  @IsPositiveQuantity(parseCpu)
  cpu: string | number;

  @IsByteQuantity()
  @IsPositiveQuantity(parseBytes)
  memory: string | number;

  @IsOptional()
  @IsByteQuantity()
  storage?: string | number;

  @IsOptional()
  @IsBandwidthQuantity()
  bandwidth?: string | number;
}
