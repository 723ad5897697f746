import type { ClassConstructor } from 'class-transformer';
import type { Subjects } from '../messaging/subjects';
import { checkServiceSpecRules } from '../spec/service-spec-checks';
import { SpecLimits, checkDocumentLimits, checkSpecSizeLimits } from '../spec/spec-limits';
import type { FieldError } from '../validation/field-error';
import { validatePayload, type Validated } from '../validation/validate';
import {
  CordonHostCommand,
  DrainHostCommand,
  FinishDrainCommand,
  GetHostQuery,
  ListHostsQuery,
  PlanDrainQuery,
  RecordDrainBlockedCommand,
  ReplaceHostCommand,
  RetireHostCommand,
  TimeOutDrainCommand,
  UncordonHostCommand,
} from './host-commands';
import {
  ExplainPlacementQuery,
  GetInstanceQuery,
  GetMigrationQuery,
  ListInstancesQuery,
  ListMigrationsQuery,
  MigrateInstanceCommand,
  MigrationTargetQuery,
  PlanPlacementQuery,
} from './instance-commands';
import type { OwningService } from './owning-service';
import {
  ApplyServiceCommand,
  CopyServiceCommand,
  DeleteServiceCommand,
  DeployServiceCommand,
  GetServiceQuery,
  ListServicesQuery,
  StopServiceCommand,
} from './service-commands';
import { GetCostsQuery, GetForecastsQuery, GetUsageQuery } from './statistics-queries';
import { ListRecommendationsQuery } from '../api/recommendation';

export interface CommandInfo {
  /** The service whose replicas answer it (queue group). */
  service: OwningService;
  /** The last token of its subject: `Subjects.command(service, subject)`. */
  subject: string;
  payload: ClassConstructor<object>;
  /** Checks class-validator cannot express; run on the plain payload even when its shape is wrong. */
  check?: (plain: Record<string, unknown>) => FieldError[];
  /** Limits checked before anything else; a payload past one is answered with it alone. */
  limits?: (plain: Record<string, unknown>) => FieldError[];
}

const command = <C extends ClassConstructor<object>>(
  service: OwningService,
  subject: string,
  payload: C,
  check?: (plain: Record<string, unknown>) => FieldError[],
  limits?: (plain: Record<string, unknown>) => FieldError[],
) => ({ service, subject, payload, ...(check ? { check } : {}), ...(limits ? { limits } : {}) });

/** A command that carries a service spec: the spec's size limits, at `spec`. */
function specLimits(plain: Record<string, unknown>): FieldError[] {
  return checkSpecSizeLimits(plain.spec).map((e) => ({
    ...e,
    path: e.path ? `spec.${e.path}` : 'spec',
  }));
}

/** Every payload: a command is a small object, nested a few levels (a spec inside is the deepest). */
const PAYLOAD_DEPTH = SpecLimits.nestingDepth + 1;

/** The spec's cross-field rules, and the name in the path agreeing with the spec's own. */
function checkApply(plain: Record<string, unknown>): FieldError[] {
  const errors = checkServiceSpecRules(plain.spec).map((e) => ({ ...e, path: `spec.${e.path}` }));
  const metadata = (plain.spec as { metadata?: { name?: unknown } } | undefined)?.metadata;
  const specName = metadata && typeof metadata === 'object' ? metadata.name : undefined;
  if (typeof specName === 'string' && typeof plain.name === 'string' && specName !== plain.name) {
    errors.push({
      path: 'spec.metadata.name',
      reason: `must equal the service name in the request ("${plain.name}")`,
    });
  }
  return errors;
}

/**
 * Every command the gateway sends to an owning service (NATS request/reply), with the payload class
 * both sides validate with. Queries are commands that change nothing.
 */
export const Commands = {
  cordonHost: command('inventory', 'cordon', CordonHostCommand),
  uncordonHost: command('inventory', 'uncordon', UncordonHostCommand),
  drainHost: command('inventory', 'drain', DrainHostCommand),
  replaceHost: command('inventory', 'replace', ReplaceHostCommand),
  retireHost: command('inventory', 'retire', RetireHostCommand),
  getHost: command('inventory', 'get-host', GetHostQuery),
  listHosts: command('inventory', 'list-hosts', ListHostsQuery),
  // Internal: the migration service's drain runner reports a drain's progress to its host's writer.
  recordDrainBlocked: command('inventory', 'drain-blocked', RecordDrainBlockedCommand),
  finishDrain: command('inventory', 'drain-finished', FinishDrainCommand),
  timeOutDrain: command('inventory', 'drain-timed-out', TimeOutDrainCommand),

  applyService: command('supervision', 'apply', ApplyServiceCommand, checkApply, specLimits),
  deployService: command('supervision', 'deploy', DeployServiceCommand),
  stopService: command('supervision', 'stop', StopServiceCommand),
  copyService: command('supervision', 'copy', CopyServiceCommand),
  deleteService: command('supervision', 'delete', DeleteServiceCommand),
  getService: command('supervision', 'get-service', GetServiceQuery),
  listServices: command('supervision', 'list-services', ListServicesQuery),
  getInstance: command('supervision', 'get-instance', GetInstanceQuery),
  listInstances: command('supervision', 'list-instances', ListInstancesQuery),

  migrateInstance: command('migration', 'migrate', MigrateInstanceCommand),
  getMigration: command('migration', 'get-migration', GetMigrationQuery),
  listMigrations: command('migration', 'list-migrations', ListMigrationsQuery),

  explainPlacement: command('placement', 'get-placement', ExplainPlacementQuery),
  planPlacement: command('placement', 'plan', PlanPlacementQuery, undefined, specLimits),
  chooseMigrationTarget: command('placement', 'migration-target', MigrationTargetQuery),
  planDrain: command('placement', 'drain-plan', PlanDrainQuery),
  listRecommendations: command('placement', 'recommendations', ListRecommendationsQuery),

  getCosts: command('statistics', 'costs', GetCostsQuery),
  getForecasts: command('statistics', 'forecasts', GetForecastsQuery),
  getUsage: command('statistics', 'usage', GetUsageQuery),
} satisfies Record<string, CommandInfo>;

export type CommandName = keyof typeof Commands;
export type CommandPayloadOf<N extends CommandName> = InstanceType<(typeof Commands)[N]['payload']>;

export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(Commands, name);
}

/** The NATS subject a command travels on: `<prefix>.cmd.<service>.<subject>`. */
export function commandSubject(subjects: Subjects, name: CommandName): string {
  const info = Commands[name];
  return subjects.command(info.service, info.subject);
}

/**
 * Validates a command's payload completely, listing every error; the sender and the owner both call
 * it. A payload past a limit (nesting, a spec's size) is answered with that limit alone.
 */
export function validateCommand<N extends CommandName>(
  name: N,
  plain: unknown,
): Validated<CommandPayloadOf<N>> {
  const info: CommandInfo = Commands[name];
  // Before class-transformer and class-validator, which recurse once per level of the payload.
  const deep = checkDocumentLimits(plain, { maxDepth: PAYLOAD_DEPTH });
  if (deep.length > 0) return { ok: false, errors: deep };
  const limited = info.limits && isPlainObject(plain) ? info.limits(plain) : [];
  if (limited.length > 0) return { ok: false, errors: limited };
  const shaped = validatePayload(info.payload, plain);
  const extra = info.check && isPlainObject(plain) ? info.check(plain) : [];
  if (shaped.ok && extra.length === 0) return shaped as Validated<CommandPayloadOf<N>>;
  return { ok: false, errors: [...(shaped.ok ? [] : shaped.errors), ...extra] };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
