import { IsMoneyRate } from '../../quantities/quantity-decorators';

/** A host's cost rates as events carry them (the agent's host.yaml `costs`). */
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
