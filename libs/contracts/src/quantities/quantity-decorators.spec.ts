import { validatePayload } from '../validation/validate';
import {
  IsBandwidthQuantity,
  IsByteQuantity,
  IsCpuQuantity,
  IsMoneyRate,
} from './quantity-decorators';

class Sized {
  @IsCpuQuantity() cpu: string | number;
  @IsByteQuantity() memory: string | number;
  @IsBandwidthQuantity() bandwidth: string | number;
  @IsMoneyRate() rate: number;
}

describe('quantity decorators', () => {
  it('accept quantities written as strings or numbers', () => {
    const result = validatePayload(Sized, {
      cpu: 2,
      memory: '128Mi',
      bandwidth: '1Gbps',
      rate: 0.1,
    });
    expect(result.ok).toBe(true);
  });

  it('report each bad quantity at its own path with the parser reason', () => {
    const result = validatePayload(Sized, {
      cpu: 'two',
      memory: '1gb',
      bandwidth: '1GBps',
      rate: '1',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.path).sort()).toEqual(['bandwidth', 'cpu', 'memory', 'rate']);
    expect(result.errors.find((e) => e.path === 'cpu')?.reason).toBe(
      'expected a cpu quantity like 500m, 2 or 0.5, got "two"',
    );
  });
});
