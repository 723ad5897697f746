import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
import { IsByteQuantity } from '../quantities/quantity-decorators';

/** The shortest period of data copies: each copy reads the whole data and fills the bus. */
export const MIN_BACKUP_EVERY_MS = 10_000;
/** The longest: a copy older than a week is hardly a copy. */
export const MAX_BACKUP_EVERY_MS = 7 * 24 * 3600 * 1000;

/** The instance's data that moves with it on migration (a directory for `process`, the disk for VMs). */
export class DataSpec {
  @IsString()
  @IsNotEmpty()
  path: string;

  @IsOptional()
  @IsByteQuantity()
  sizeHint?: string | number;

  /**
   * How often the agent copies the data to the object store, in ms, so that a replacement after a
   * host death starts from the newest copy. Absent: no copies (a host death loses the data).
   */
  @IsOptional()
  @IsInt()
  @Min(MIN_BACKUP_EVERY_MS, { message: `must be at least ${MIN_BACKUP_EVERY_MS} ms (10 s)` })
  @Max(MAX_BACKUP_EVERY_MS, { message: `must be at most ${MAX_BACKUP_EVERY_MS} ms (7 days)` })
  backupEveryMs?: number;
}
