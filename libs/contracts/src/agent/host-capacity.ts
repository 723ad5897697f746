import { IsInt, Min } from 'class-validator';

/** A host's capacity (or usage) in base units: millicores, bytes, bits per second. */
export class HostCapacity {
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
