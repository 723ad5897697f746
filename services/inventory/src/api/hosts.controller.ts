import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ErrorCodes,
  FederaError,
  type CordonHostCommand,
  type DrainHostCommand,
  type FinishDrainCommand,
  type GetHostQuery,
  type HostCommand as HostRequest,
  type ListHostsQuery,
  type RecordDrainBlockedCommand,
  type ReplaceHostCommand,
  type RetireHostCommand,
  type TimeOutDrainCommand,
  type UncordonHostCommand,
  type CommandOrigin,
} from '@federa/contracts';
import { LiveProjection } from '@federa/eventstore';
import { CommandContractPipe, Origin } from '@federa/messaging';
import type { HostCommand } from '../domain/host-commands';
import { HostCommandHandler } from './host-command.handler';
import { HostReadModel } from '../infrastructure/host-read-model';
import type { HostPage, HostView } from '../infrastructure/host-view';

/** How long a command waits for the read model to show its write: well inside the gateway's timeout. */
const readYourWritesMs = 2000;

/** Host queries and operator actions over NATS (`cmd.inventory.*`, libs/contracts `Commands`), for the gateway. */
@Controller()
export class HostsController {
  constructor(
    private readonly commands: HostCommandHandler,
    private readonly hosts: HostReadModel,
    private readonly projection: LiveProjection,
  ) {}

  @MessagePattern('cmd.inventory.list-hosts')
  list(@Payload(new CommandContractPipe('listHosts')) query: ListHostsQuery): Promise<HostPage> {
    return this.hosts.list(query);
  }

  @MessagePattern('cmd.inventory.get-host')
  get(@Payload(new CommandContractPipe('getHost')) query: GetHostQuery): Promise<HostView> {
    return this.view(query.host);
  }

  @MessagePattern('cmd.inventory.cordon')
  cordon(
    @Payload(new CommandContractPipe('cordonHost')) request: CordonHostCommand,
    @Origin() origin: CommandOrigin | undefined,
  ): Promise<HostView> {
    return this.act(
      request,
      { type: 'CordonHost', ...(request.reason ? { reason: request.reason } : {}) },
      origin,
    );
  }

  @MessagePattern('cmd.inventory.uncordon')
  uncordon(
    @Payload(new CommandContractPipe('uncordonHost')) request: UncordonHostCommand,
    @Origin() origin: CommandOrigin | undefined,
  ): Promise<HostView> {
    return this.act(request, { type: 'UncordonHost' }, origin);
  }

  @MessagePattern('cmd.inventory.drain')
  async drain(
    @Payload(new CommandContractPipe('drainHost')) request: DrainHostCommand,
    @Origin() origin: CommandOrigin | undefined,
  ): Promise<HostView> {
    const instances = await this.hosts.instancesOn(request.host);
    return this.act(request, { type: 'DrainHost', instances, ...drainTerms(request) }, origin);
  }

  /** A drain whose every instance goes to the named new host, which then retires the old one. */
  @MessagePattern('cmd.inventory.replace')
  async replace(
    @Payload(new CommandContractPipe('replaceHost')) request: ReplaceHostCommand,
    @Origin() origin: CommandOrigin | undefined,
  ): Promise<HostView> {
    const other = await this.commands.record(request.with);
    const instances = await this.hosts.instancesOn(request.host);
    return this.act(
      request,
      {
        type: 'ReplaceHost',
        instances,
        replacement: {
          host: request.with,
          registered: other.registered,
          liveness: other.liveness,
          lifecycle: other.lifecycle,
          cordoned: other.cordoned,
        },
        ...drainTerms(request),
      },
      origin,
    );
  }

  // The drain's progress, reported by the migration service's drain runner (internal commands).

  @MessagePattern('cmd.inventory.drain-blocked')
  drainBlocked(
    @Payload(new CommandContractPipe('recordDrainBlocked')) request: RecordDrainBlockedCommand,
    @Origin() origin: CommandOrigin | undefined,
  ): Promise<HostView> {
    const { drain, blocked } = request;
    return this.act(request, { type: 'RecordDrainBlocked', drain, blocked }, origin, 'migration');
  }

  @MessagePattern('cmd.inventory.drain-finished')
  drainFinished(
    @Payload(new CommandContractPipe('finishDrain')) request: FinishDrainCommand,
    @Origin() origin: CommandOrigin | undefined,
  ): Promise<HostView> {
    const { drain, evacuated, notRelocatable } = request;
    return this.act(
      request,
      { type: 'FinishDrain', drain, evacuated, notRelocatable },
      origin,
      'migration',
    );
  }

  @MessagePattern('cmd.inventory.drain-timed-out')
  drainTimedOut(
    @Payload(new CommandContractPipe('timeOutDrain')) request: TimeOutDrainCommand,
    @Origin() origin: CommandOrigin | undefined,
  ): Promise<HostView> {
    const { drain, evacuated, remaining } = request;
    return this.act(
      request,
      { type: 'TimeOutDrain', drain, evacuated, remaining },
      origin,
      'migration',
    );
  }

  @MessagePattern('cmd.inventory.retire')
  async retire(
    @Payload(new CommandContractPipe('retireHost')) request: RetireHostCommand,
    @Origin() origin: CommandOrigin | undefined,
  ): Promise<HostView> {
    const instances = await this.hosts.instancesOn(request.host);
    return this.act(
      request,
      { type: 'RetireHost', force: request.force ?? false, instances },
      origin,
    );
  }

  /**
   * Runs the command, then answers the host as the read model shows it with the command applied.
   * The actor is who the command says asked (a token through the gateway), else `sender`, the
   * service that sends such commands, else inventory itself (docs/security/audit.md).
   */
  private async act(
    request: HostRequest,
    command: HostCommand,
    origin: CommandOrigin | undefined,
    sender = 'inventory',
  ): Promise<HostView> {
    const { position } = await this.commands.execute(
      request.host,
      command,
      origin ?? { actor: sender },
    );
    // Its own write when it made one; else (already there) whatever was committed before. The command
    // is done either way: past the wait (an old transaction elsewhere holds readers back) the model
    // answers as it is rather than the request failing.
    await (
      position === undefined
        ? this.projection.current()
        : this.projection.reach(position, readYourWritesMs)
    ).catch(() => undefined);
    return this.view(request.host);
  }

  private async view(host: string): Promise<HostView> {
    const found = await this.hosts.get(host);
    if (!found) throw new FederaError(ErrorCodes.notFound, `host ${host} is not registered`);
    return found;
  }
}

/** A drain request's reason and deadline as the command carries them (the deadline from now). */
function drainTerms(request: DrainHostCommand): { reason?: string; deadlineAt?: string } {
  return {
    ...(request.reason ? { reason: request.reason } : {}),
    ...(request.deadlineMs !== undefined
      ? { deadlineAt: new Date(Date.now() + request.deadlineMs).toISOString() }
      : {}),
  };
}
