import { IsMoneyRate } from '../../quantities/quantity-decorators';

/** A host's cost rates as events carry them (CONTRACT.md agent config `costs`). */
export class HostCostRates {
  @IsMoneyRate()
  cpuHour: number;

  @IsMoneyRate()
  memoryGiBHour: number;

  @IsMoneyRate()
  storageGiBMonth: number;

  @IsMoneyRate()
  networkGiB: number;
}
