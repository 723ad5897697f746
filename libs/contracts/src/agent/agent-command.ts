import type { ClassConstructor } from 'class-transformer';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { validatePayload, type Validated } from '../validation/validate';
import { DATA_KEY_PATTERN, InstanceSpecPayload } from './instance-spec-payload';
import { IsHostId, IsInstanceId } from '../events/values/identifiers';

/** Every command an agent executes on `Subjects.agentCommand(host)` (docs/reference/agent-protocol.md). */
export const AgentCommandTypes = [
  'start',
  'stop',
  'destroy',
  'probe',
  'probe-http',
  'export-data',
  'import-data',
  'migrate-out',
  'migrate-in',
  'resume',
] as const;
export type AgentCommandType = (typeof AgentCommandTypes)[number];

/** Codes of an agent's refusals, besides the shared ErrorCodes (validation_failed, not_found, ...). */
export const AgentRefusalCodes = {
  /** The command's epoch is not the host's current one: an older (or newer) controller sent it. */
  staleEpoch: 'stale_epoch',
  /** The agent has not been given an epoch yet (not registered). */
  notRegistered: 'not_registered',
  /** The instance's layer is not offered by this host, or cannot do this (live migration on `process`). */
  layerUnavailable: 'layer_unavailable',
  /**
   * A start (or import, or migrate-in) of an older placement generation than the agent already
   * took for that instance: a late or replayed command of a placement the log has replaced.
   */
  staleGeneration: 'stale_generation',
} as const;

abstract class AgentCommandBase {
  /** Unique per command; a repeat with the same id answers the first reply and never acts twice. */
  @IsString()
  @Matches(/^[a-zA-Z0-9_.:-]{1,128}$/, { message: 'must be 1 to 128 letters, digits or _.:-' })
  commandId: string;

  /** The host's fencing epoch as the sender knows it; any other epoch is refused. */
  @IsInt()
  @Min(1)
  epoch: number;

  @IsIn(AgentCommandTypes as unknown as string[])
  type: AgentCommandType;
}

abstract class InstanceCommand extends AgentCommandBase {
  @IsInstanceId()
  instance: string;
}

export class StartCommand extends AgentCommandBase {
  declare type: 'start';
  @IsDefined()
  @ValidateNested()
  @Type(() => InstanceSpecPayload)
  spec: InstanceSpecPayload;
}

export class StopCommand extends InstanceCommand {
  declare type: 'stop';
  /** SIGTERM-to-SIGKILL grace (process layer), guest shutdown time (VMs). @default 10000 */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(600_000)
  graceMs?: number;
}

export class DestroyCommand extends InstanceCommand {
  declare type: 'destroy';
}

export class ProbeCommand extends InstanceCommand {
  declare type: 'probe';
}

/**
 * GETs `path` on the instance, from its host, where the agent knows it listens (the service's
 * end-to-end probe, docs/adr/service-probe.md); the acceptance carries the outcome.
 */
export class ProbeHttpCommand extends InstanceCommand {
  declare type: 'probe-http';
  @IsString()
  @Matches(/^\/[^\s]*$/, { message: 'must start with / and hold no spaces' })
  path: string;

  /** @default 2000 */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(30_000)
  timeoutMs?: number;
}

/** Streams the instance's data into the data bucket under `key` (chunked, sha256-checked). */
export class ExportDataCommand extends InstanceCommand {
  declare type: 'export-data';
  @IsString()
  @Matches(DATA_KEY_PATTERN, { message: 'must be an object name (letters, digits, _./-)' })
  key: string;
}

/** Reads `key` from the data bucket into the (stopped or new) instance described by `spec`. */
export class ImportDataCommand extends AgentCommandBase {
  declare type: 'import-data';
  @IsDefined()
  @ValidateNested()
  @Type(() => InstanceSpecPayload)
  spec: InstanceSpecPayload;

  @IsString()
  @Matches(DATA_KEY_PATTERN, { message: 'must be an object name (letters, digits, _./-)' })
  key: string;
}

export class MigrationTarget {
  @IsHostId()
  host: string;

  /** What the target's migrate-in answered (qemu: `tcp:10.77.0.12:4444`). */
  @IsString()
  @MinLength(1)
  uri: string;
}

export class MigrateOutCommand extends InstanceCommand {
  declare type: 'migrate-out';
  @IsDefined()
  @ValidateNested()
  @Type(() => MigrationTarget)
  target: MigrationTarget;
}

export class MigrateInCommand extends AgentCommandBase {
  declare type: 'migrate-in';
  @IsDefined()
  @ValidateNested()
  @Type(() => InstanceSpecPayload)
  spec: InstanceSpecPayload;
}

/**
 * Makes the instance this host holds run again where it is paused (a source left paused by a live
 * migration): never starts one that is not there, so a rollback can tell a held copy from none.
 */
export class ResumeCommand extends InstanceCommand {
  declare type: 'resume';
}

export type AgentCommand =
  | StartCommand
  | StopCommand
  | DestroyCommand
  | ProbeCommand
  | ProbeHttpCommand
  | ExportDataCommand
  | ImportDataCommand
  | MigrateOutCommand
  | MigrateInCommand
  | ResumeCommand;

const commandClasses: Record<AgentCommandType, ClassConstructor<AgentCommand>> = {
  start: StartCommand,
  stop: StopCommand,
  destroy: DestroyCommand,
  probe: ProbeCommand,
  'probe-http': ProbeHttpCommand,
  'export-data': ExportDataCommand,
  'import-data': ImportDataCommand,
  'migrate-out': MigrateOutCommand,
  'migrate-in': MigrateInCommand,
  resume: ResumeCommand,
};

/** Validates a command of any type against the class its `type` names; errors carry their paths. */
export function validateAgentCommand(plain: unknown): Validated<AgentCommand> {
  const type = plain && typeof plain === 'object' ? (plain as { type?: unknown }).type : undefined;
  const cls = typeof type === 'string' ? commandClasses[type as AgentCommandType] : undefined;
  if (!cls) {
    return {
      ok: false,
      errors: [{ path: 'type', reason: `must be one of ${AgentCommandTypes.join(', ')}` }],
    };
  }
  return validatePayload(cls, plain);
}

/** The instance a command is about. */
export function commandInstance(command: AgentCommand): string {
  return 'spec' in command ? command.spec.instance : command.instance;
}

/** What an agent answers at once to an accepted command; long work reports its outcome on `report`. */
export interface AgentCommandAccepted {
  commandId: string;
  type: AgentCommandType;
  instance: string;
  accepted: true;
  /** probe and probe-http only: the probe's answer. */
  probe?: { healthy: boolean; load?: number; detail?: string; state: string };
}
