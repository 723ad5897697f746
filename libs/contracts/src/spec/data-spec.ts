import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { IsByteQuantity } from '../quantities/quantity-decorators';

/** The instance's data that moves with it on migration (a directory for `process`, the disk for VMs). */
export class DataSpec {
  @IsString()
  @IsNotEmpty()
  path: string;

  @IsOptional()
  @IsByteQuantity()
  sizeHint?: string | number;
}
