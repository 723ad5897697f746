import {
  AgentRefusalCodes,
  ErrorCodes,
  ValidationFailed,
  commandInstance,
  errorBody,
  replyOk,
  validateAgentCommand,
  type AgentCommand,
  type AgentCommandAccepted,
  type CommandReply,
} from '@federa/contracts';
import type { LayerKind } from '../layers/layer-driver';
import { epochRefusal } from './fencing';
import { isLive } from './instance-states';

/** What admission needs to know of a layer, without calling it. */
export interface LayerAbilities {
  /** Why the layer cannot run `artifact`, each reason with its path inside the artifact. */
  artifactErrors(artifact: Record<string, unknown>): Array<{ path: string; reason: string }>;
  migratesOut: boolean;
  migratesIn: boolean;
}

/** The host as admission sees it at the moment a command arrives. */
export interface AdmissionView {
  /** The fencing epoch inventory granted; undefined until registered. */
  epoch: number | undefined;
  /**
   * Inventory asked for a new registration (the host was down, or its epoch is stale) and it is
   * under way: nothing new may start under the epoch about to be fenced.
   */
  registering: boolean;
  answerOf(commandId: string): CommandReply | undefined;
  instance(instance: string): { layer: LayerKind; state: string } | undefined;
  /** The highest placement generation this agent took for the instance, if any. */
  generationOf(instance: string): number | undefined;
  layer(kind: LayerKind): LayerAbilities | undefined;
  /** Whether a data bucket is known (export-data and import-data need one). */
  movesData: boolean;
}

/**
 * The verdict on a command. `answered`: its id was answered before, the same reply again.
 * `fenced`: a wrong epoch, not remembered (the same id may come back once the epoch is right).
 * `refused`: remembered under its id, like an acceptance. `accepted`: the host does the work.
 */
export type Admission =
  | { kind: 'answered'; reply: CommandReply }
  | { kind: 'fenced'; reply: CommandReply }
  | { kind: 'refused'; reply: CommandReply }
  | { kind: 'accepted'; command: AgentCommand };

/** A command off the wire, or the refusal naming every wrong field. */
export function parseAgentCommand(
  raw: unknown,
): { ok: true; command: AgentCommand } | { ok: false; refusal: CommandReply } {
  const parsed = validateAgentCommand(raw);
  if (parsed.ok) return { ok: true, command: parsed.value };
  const message = new ValidationFailed(parsed.errors, 'agent command').message;
  return { ok: false, refusal: refusal(ErrorCodes.validation, message, parsed.errors) };
}

/** Decides whether the host takes a valid command: idempotence first, then fencing, then the host's own refusals. */
export function admitCommand(command: AgentCommand, host: AdmissionView): Admission {
  const answered = host.answerOf(command.commandId);
  if (answered) return { kind: 'answered', reply: answered };
  const fenced = epochRefusal(command.epoch, host.epoch);
  if (fenced) {
    const code =
      host.epoch === undefined ? AgentRefusalCodes.notRegistered : AgentRefusalCodes.staleEpoch;
    return { kind: 'fenced', reply: refusal(code, fenced, [{ path: 'epoch', reason: fenced }]) };
  }
  if (host.registering && startsSomething(command)) {
    // `unavailable`: what every sender already retries; fenced, so the same id may come back.
    const why = `the agent is registering again for a new epoch (its epoch ${host.epoch} is about to be fenced): retry with the new epoch`;
    return {
      kind: 'fenced',
      reply: refusal(ErrorCodes.unavailable, why, [{ path: 'epoch', reason: why }]),
    };
  }
  const why = refusalOf(command, host);
  return why ? { kind: 'refused', reply: why } : { kind: 'accepted', command };
}

/** The immediate answer to an accepted command (a probe's carries the probe). */
export function acceptedReply(
  command: AgentCommand,
  probe?: AgentCommandAccepted['probe'],
): CommandReply<AgentCommandAccepted> {
  return replyOk({
    commandId: command.commandId,
    type: command.type,
    instance: commandInstance(command),
    accepted: true,
    ...(probe ? { probe } : {}),
  });
}

/** Commands that make something run that did not run before (or was paused); stops, probes and exports do not. */
function startsSomething(command: AgentCommand): boolean {
  return (
    command.type === 'start' ||
    command.type === 'import-data' ||
    command.type === 'migrate-in' ||
    command.type === 'resume'
  );
}

function refusalOf(command: AgentCommand, host: AdmissionView): CommandReply | undefined {
  if (command.type === 'start' || command.type === 'import-data' || command.type === 'migrate-in') {
    const { spec } = command;
    const layer = host.layer(spec.layer);
    if (!layer) {
      return refused(
        AgentRefusalCodes.layerUnavailable,
        `this host offers no ${spec.layer} layer`,
        'spec.layer',
      );
    }
    const artifactErrors = layer.artifactErrors(spec.artifact);
    if (artifactErrors.length > 0) {
      const details = artifactErrors.map((e) => ({ path: `spec.${e.path}`, reason: e.reason }));
      return refusal(
        ErrorCodes.validation,
        new ValidationFailed(details, 'artifact').message,
        details,
      );
    }
    const known = host.generationOf(spec.instance);
    if (spec.generation !== undefined && known !== undefined && spec.generation < known) {
      return refused(
        AgentRefusalCodes.staleGeneration,
        `generation ${spec.generation} of instance ${spec.instance} is older than generation ${known} this host took: the log has placed it again since`,
        'spec.generation',
      );
    }
    const existing = host.instance(spec.instance);
    if (existing && existing.layer !== spec.layer) {
      return refused(ErrorCodes.conflict, `instance runs on layer ${existing.layer}`, 'spec.layer');
    }
    // A start of a running instance is no conflict: it answers that the instance already runs.
    if (command.type === 'start') {
      return spec.restoreFrom && !host.movesData ? noDataBucket('spec.restoreFrom') : undefined;
    }
    if (existing && isLive(existing.state)) {
      return refused(
        ErrorCodes.conflict,
        `instance ${spec.instance} is ${existing.state}: stop it first`,
        'spec.instance',
      );
    }
    if (command.type === 'import-data') {
      return host.movesData ? undefined : noDataBucket();
    }
    return layer.migratesIn
      ? undefined
      : refused(
          AgentRefusalCodes.layerUnavailable,
          `layer ${spec.layer} cannot receive a live migration`,
          'spec.layer',
        );
  }
  const existing = host.instance(command.instance);
  if (!existing) {
    return refused(ErrorCodes.notFound, `no instance ${command.instance} on this host`, 'instance');
  }
  if (command.type === 'export-data' && !host.movesData) return noDataBucket();
  if (command.type === 'migrate-out' && !host.layer(existing.layer)?.migratesOut) {
    return refused(
      AgentRefusalCodes.layerUnavailable,
      `layer ${existing.layer} cannot live-migrate`,
      'instance',
    );
  }
  return undefined;
}

function noDataBucket(path = 'key'): CommandReply {
  return refused(ErrorCodes.unavailable, 'this agent has no data bucket', path);
}

function refusal(code: string, message: string, details: unknown[] = []): CommandReply {
  return { ok: false, ...errorBody(code, message, details) };
}

function refused(code: string, message: string, path: string): CommandReply {
  return refusal(code, message, [{ path, reason: message }]);
}
