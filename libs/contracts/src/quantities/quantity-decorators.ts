import { ValidateBy, type ValidationOptions } from 'class-validator';
import { parseBandwidth } from './bandwidth';
import { parseBytes } from './bytes';
import { parseCpu } from './cpu';
import { parseMoneyRate } from './money';
import type { QuantityResult } from './quantity-result';

function quantityDecorator(
  name: string,
  parse: (input: unknown) => QuantityResult,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown) => parse(value).ok,
        defaultMessage: (args) => {
          const result = parse(args?.value);
          return result.ok ? 'invalid quantity' : result.error;
        },
      },
    },
    options,
  );
}

/** The property is a cpu quantity (`500m`, `2`, `0.5`). */
export function IsCpuQuantity(options?: ValidationOptions): PropertyDecorator {
  return quantityDecorator('isCpuQuantity', parseCpu, options);
}

/** The property is a byte quantity (`128Mi`, `20Gi`, `1G`, `500`). */
export function IsByteQuantity(options?: ValidationOptions): PropertyDecorator {
  return quantityDecorator('isByteQuantity', parseBytes, options);
}

/** The property is a bandwidth (`100Mbps`, `10Gbps`). */
export function IsBandwidthQuantity(options?: ValidationOptions): PropertyDecorator {
  return quantityDecorator('isBandwidthQuantity', parseBandwidth, options);
}

/** The property is a money rate: a plain non-negative number. */
export function IsMoneyRate(options?: ValidationOptions): PropertyDecorator {
  return quantityDecorator('isMoneyRate', parseMoneyRate, options);
}
