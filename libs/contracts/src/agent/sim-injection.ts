import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * Faults a simulated host can be told to suffer (request on `Subjects.simInject(host)`):
 * `kill` stops it like a power cut (no heartbeats, no replies, instances lost) until `revive`,
 * which boots it again (new registration, new epoch); `partition` silences it (instances keep
 * running, reports are buffered) for `durationMs` or until `heal`; `slow` delays its heartbeats and
 * replies by `delayMs` until `heal`.
 */
export const SimFaults = ['kill', 'revive', 'partition', 'slow', 'heal'] as const;
export type SimFault = (typeof SimFaults)[number];

export class SimInjection {
  @IsIn(SimFaults as unknown as string[])
  fault: SimFault;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  durationMs?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(600_000)
  delayMs?: number;
}
