import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { InstanceEndpoint } from '../discovery/service-endpoints';
import { IsHostId, IsInstanceId } from '../events/values/identifiers';

export const AgentReportKinds = ['instance', 'command'] as const;
export type AgentReportKind = (typeof AgentReportKinds)[number];

export const CommandStatuses = ['progress', 'succeeded', 'failed'] as const;
export type CommandStatus = (typeof CommandStatuses)[number];

export class ReportError {
  @IsString()
  code: string;

  @IsString()
  message: string;
}

/**
 * Published on `Subjects.agentReport(host)` as things happen: an instance's state change (`kind:
 * instance`) or the progress and outcome of a long command (`kind: command`). Delivered at least once
 * (buffered while the bus is down, re-sent when unconfirmed): receivers order and dedupe by
 * (`host`, `runId`, `seq`).
 */
export class AgentReport {
  @IsHostId()
  host: string;

  @IsInt()
  @Min(0)
  epoch: number;

  /** Random per agent start; `seq` grows by one per report within a run. */
  @IsString()
  runId: string;

  @IsInt()
  @Min(1)
  seq: number;

  @IsInt()
  sentAt: number;

  @IsIn(AgentReportKinds as unknown as string[])
  kind: AgentReportKind;

  @IsInstanceId()
  instance: string;

  /** kind instance: the new state (one of the public instance states). */
  @IsOptional()
  @IsString()
  state?: string;

  @IsOptional()
  @IsString()
  service?: string;

  @IsOptional()
  @IsString()
  app?: string;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  load?: number;

  /** Where the instance answers, once its layer runs it (kind instance, states running and after). */
  @IsOptional()
  @ValidateNested()
  @Type(() => InstanceEndpoint)
  endpoint?: InstanceEndpoint;

  @IsOptional()
  @IsString()
  detail?: string;

  /** kind command: which command, what it is doing or how it ended. */
  @IsOptional()
  @IsString()
  commandId?: string;

  @IsOptional()
  @IsString()
  command?: string;

  @IsOptional()
  @IsIn(CommandStatuses as unknown as string[])
  status?: CommandStatus;

  /** kind command, succeeded: what the command produced (export: `{ key, size, sha256 }`, migrate-in: `{ uri }`). */
  @IsOptional()
  result?: Record<string, unknown>;

  @IsOptional()
  @ValidateNested()
  @Type(() => ReportError)
  error?: ReportError;
}
