import { IsInt, Min } from 'class-validator';

/** Resources in base units as events carry them: millicores, bytes, bits per second. */
export class ResourceAmounts {
  @IsInt()
  @Min(0)
  cpuMillis: number;

  @IsInt()
  @Min(0)
  memoryBytes: number;

  @IsInt()
  @Min(0)
  storageBytes: number;

  @IsInt()
  @Min(0)
  bandwidthBps: number;
}
