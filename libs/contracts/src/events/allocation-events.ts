import { Type } from 'class-transformer';
import { IsIn, IsObject, ValidateNested } from 'class-validator';
import { IsHostId, IsInstanceId, IsResourceName } from './values/identifiers';
import { ResourceAmounts } from './values/resource-amounts';

export const AllocationChanges = ['reserved', 'released'] as const;
export type AllocationChange = (typeof AllocationChanges)[number];

/**
 * Internal (no public name): placement's per-host ledger, stream `allocation-<host>`. Appending with
 * the expected version is what keeps concurrent placement replicas from over-committing a host.
 */
export class HostAllocationChangedData {
  @IsHostId()
  host: string;

  @IsInstanceId()
  instance: string;

  @IsResourceName()
  service: string;

  @IsResourceName()
  app: string;

  @IsIn(AllocationChanges)
  change: AllocationChange;

  @IsObject()
  @ValidateNested()
  @Type(() => ResourceAmounts)
  resources: ResourceAmounts;

  /** The host's total allocation after this change. */
  @IsObject()
  @ValidateNested()
  @Type(() => ResourceAmounts)
  allocated: ResourceAmounts;
}
