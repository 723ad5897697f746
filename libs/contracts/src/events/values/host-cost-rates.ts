import { IsOptional } from 'class-validator';
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

  /** Cost per hour of the host standing, whatever runs on it; absent (hosts registered before it existed) means 0. */
  @IsOptional()
  @IsMoneyRate()
  standingPerHour?: number;
}
