import {
  causedMetadata,
  commandMetadata,
  ErrorCodes,
  FederaError,
  streamIds,
  type CommandOrigin,
  type DecisionMetadata,
  type EventCause,
  type MigrateInstanceCommand,
  type MigrationReason,
  type MigrationTargetAnswer,
} from '@federa/contracts';
import { handleCommand, type EventStore } from '@federa/eventstore';
import { instanceDecider, InstanceCommandRefused } from '@federa/instance-lifecycle';
import type { CommandClient } from '@federa/messaging';
import { randomUUID } from 'node:crypto';
import { migrationDecider } from '../domain/migration-saga';
import { migrationView, type MigrationView } from '../domain/migration-view';
import type { ClusterReader } from '../infrastructure/cluster-reader';
import type { MigrationRunner } from '../saga/migration-runner';
import type { SagaOwnership } from '../saga/saga-ownership';

const movable = new Set(['running', 'healthy', 'unhealthy']);

/**
 * Starts a migration: checks the instance can move, has placement choose (or check) the target by its
 * rules, records the saga's start in a new `migration-<id>` stream, and runs it in the background on
 * this replica (the one the queue group handed the request to), which takes the saga's owner lease
 * before recording it. Before answering, the instance is marked moving under this migration
 * (`begin-migration`, appended at the version its stream was read at), so that of two starts racing
 * for one instance (a repeated request, two drain runners for a moment) exactly one moves it: the
 * other's saga ends failed, having touched nothing, and its caller gets 409. Answers the migration as
 * recorded; a saga recorded without its lease (the lease's connection failed) is left to the leader,
 * who takes over sagas without an owner.
 */
export class MigrationStarter {
  constructor(
    private readonly store: EventStore,
    private readonly placement: Pick<CommandClient, 'sendCommand'>,
    private readonly cluster: ClusterReader,
    private readonly runner: Pick<MigrationRunner, 'run'>,
    private readonly log: (message: string) => void,
    private readonly ownership: Pick<SagaOwnership, 'claim' | 'release'>,
  ) {}

  /** `reason`: why it moves, recorded on MigrationStarted (`drain` when a drain asks). */
  async start(
    command: MigrateInstanceCommand,
    correlationId?: string,
    reason: MigrationReason = 'requested',
    /** The log position the caller has read: placement chooses from a view at least as recent. */
    after?: number,
    /**
     * Who asks (docs/security/audit.md): the command's origin (a token through the gateway), or the
     * event it answers (a drain's HostDrainStarted), whose actor it carries on; else migration itself.
     */
    who: { origin?: CommandOrigin; cause?: EventCause } = {},
  ): Promise<MigrationView> {
    const chosenFrom = new Date().toISOString();
    const life = await this.cluster.instance(command.instance);
    if (!life.instance) {
      throw new FederaError(ErrorCodes.notFound, `no instance ${command.instance}`);
    }
    if (life.status === 'migrating') {
      throw new FederaError(
        ErrorCodes.conflict,
        `instance ${command.instance} is already moving (migration ${life.migration?.id})`,
      );
    }
    if (!movable.has(life.status) || !life.host) {
      throw new FederaError(
        ErrorCodes.conflict,
        `instance ${command.instance} is ${life.status}: only a running instance can be moved`,
      );
    }
    const target = await this.placement.sendCommand<MigrationTargetAnswer>(
      'chooseMigrationTarget',
      {
        instance: command.instance,
        ...(command.to ? { to: command.to } : {}),
        ...(after !== undefined ? { after } : {}),
      },
    );
    if (target.from !== life.host) {
      throw new FederaError(
        ErrorCodes.unavailable,
        `placement still has ${command.instance} on ${target.from}, the log on ${life.host}: retry`,
      );
    }
    const live = command.mode ? command.mode === 'live' : target.liveCapable;
    if (live && !target.liveCapable) {
      throw new FederaError(
        ErrorCodes.conflict,
        `${target.layer} on ${target.from} → ${target.to} cannot move a running instance`,
        [{ path: 'mode', reason: 'live needs qemu at both ends; use cold' }],
      );
    }
    const migration = `mig-${randomUUID()}`;
    const owned = await this.ownership.claim(migration).catch(() => false);
    const metadata = who.cause
      ? causedMetadata(who.cause, 'migration')
      : commandMetadata(who.origin, 'migration', correlationId ?? migration);
    let newState;
    try {
      ({ newState } = await handleCommand(
        this.store,
        streamIds.migration(migration),
        migrationDecider,
        {
          type: 'start',
          migration,
          instance: command.instance,
          service: target.service,
          app: target.app,
          from: target.from,
          to: target.to,
          live,
          stateful: target.stateful,
          reason,
          chosenFrom,
          chosenAt: new Date().toISOString(),
        },
        { metadata },
      ));
    } catch (error) {
      // Nothing was recorded: a lease held for it would stay taken for the connection's life.
      if (owned) await this.ownership.release(migration).catch(() => undefined);
      throw error;
    }
    // The instance moves because the migration started: its MigrationStarted is the cause.
    const started = await this.store
      .readStream(streamIds.migration(migration))
      .then(({ events }) => events[0])
      .catch(() => undefined);
    const refused = await this.markMoving(migration, command.instance, target.to, {
      servesWhileMoving: live || !target.stateful,
      metadata: started
        ? causedMetadata(started, 'migration')
        : { ...metadata, causationId: migration },
    });
    if (refused) {
      if (owned) {
        await handleCommand(
          this.store,
          streamIds.migration(migration),
          migrationDecider,
          { type: 'fail', reason: refused.message, sourceAvailable: false },
          { metadata },
        ).finally(() => this.ownership.release(migration).catch(() => undefined));
      }
      throw new FederaError(
        ErrorCodes.conflict,
        `instance ${command.instance} cannot be moved now: ${refused.message}`,
      );
    }
    if (owned) {
      void this.runner
        .run(migration)
        .catch((error: unknown) => this.log(`migration ${migration} stopped: ${String(error)}`));
    } else {
      this.log(`migration ${migration} recorded without its owner lease: the leader will run it`);
    }
    return migrationView(newState);
  }

  /**
   * Marks the instance moving under `migration`; answers the refusal when it no longer can be (it
   * stopped, or another migration moves it). A log that cannot be written now is not a refusal: the
   * runner marks it before its first phase.
   */
  private async markMoving(
    migration: string,
    instance: string,
    to: string,
    options: { servesWhileMoving: boolean; metadata: DecisionMetadata },
  ): Promise<InstanceCommandRefused | undefined> {
    try {
      await handleCommand(
        this.store,
        streamIds.instance(instance),
        instanceDecider,
        {
          type: 'begin-migration',
          migration,
          to,
          ...(options.servesWhileMoving ? { servesWhileMoving: true } : {}),
        },
        { metadata: options.metadata },
      );
      return undefined;
    } catch (error) {
      if (error instanceof InstanceCommandRefused) return error;
      this.log(`migration ${migration}: ${instance} not marked moving yet: ${String(error)}`);
      return undefined;
    }
  }
}
