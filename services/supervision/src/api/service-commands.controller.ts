import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  streamIds,
  type ApplyServiceCommand,
  type CopyServiceCommand,
  type DeleteServiceCommand,
  type DeployServiceCommand,
  type GetInstanceQuery,
  type GetServiceQuery,
  type ListInstancesQuery,
  type ListServicesQuery,
  type StopServiceCommand,
  type CommandOrigin,
} from '@federa/contracts';
import { foldEvents, LiveProjection, PostgresEventStore } from '@federa/eventstore';
import { CommandContractPipe, JsonText, Origin } from '@federa/messaging';
import {
  initialServiceState,
  serviceDecider,
  type ServiceCommand,
  type ServiceEvent,
} from '../domain/service-decider';
import { InstanceListFollower } from '../infrastructure/instance-list-follower';
import { SupervisionReadModel } from '../infrastructure/supervision-read-model';
import { Supervisor } from '../supervisor/supervisor';
import type { InstanceSummary, ServiceSummary } from '../domain/service-summary';

/**
 * Supervision's commands and queries (`cmd.supervision.*`): commands decided on the log, answers
 * read from the read model in schema `supervision` once it shows the command's events (commands)
 * or everything committed before the query (queries).
 */
@Controller()
export class ServiceCommandsController {
  constructor(
    private readonly supervisor: Supervisor,
    private readonly readModel: SupervisionReadModel,
    private readonly runner: LiveProjection,
    private readonly store: PostgresEventStore,
    private readonly instanceList: InstanceListFollower,
  ) {}

  @MessagePattern('cmd.supervision.apply')
  apply(
    @Payload(new CommandContractPipe('applyService')) command: ApplyServiceCommand,
    @Origin() origin: CommandOrigin | undefined,
  ): Promise<ServiceSummary> {
    return this.commandThenShow(command.name, { type: 'apply', spec: command.spec }, origin);
  }

  @MessagePattern('cmd.supervision.deploy')
  deploy(
    @Payload(new CommandContractPipe('deployService')) command: DeployServiceCommand,
    @Origin() origin: CommandOrigin | undefined,
  ): Promise<ServiceSummary> {
    return this.commandThenShow(command.name, { type: 'deploy' }, origin);
  }

  @MessagePattern('cmd.supervision.stop')
  stop(
    @Payload(new CommandContractPipe('stopService')) command: StopServiceCommand,
    @Origin() origin: CommandOrigin | undefined,
  ): Promise<ServiceSummary> {
    return this.commandThenShow(command.name, { type: 'stop' }, origin);
  }

  @MessagePattern('cmd.supervision.delete')
  async delete(
    @Payload(new CommandContractPipe('deleteService')) command: DeleteServiceCommand,
    @Origin() origin: CommandOrigin | undefined,
  ): Promise<{ name: string; deleted: true }> {
    const { position } = await this.supervisor.command(command.name, { type: 'delete' }, origin);
    if (position !== undefined) await this.runner.reach(position);
    return { name: command.name, deleted: true };
  }

  @MessagePattern('cmd.supervision.copy')
  copy(
    @Payload(new CommandContractPipe('copyService')) command: CopyServiceCommand,
    @Origin() origin: CommandOrigin | undefined,
  ): Promise<ServiceSummary> {
    return this.copyFrom(command, origin);
  }

  @MessagePattern('cmd.supervision.get-service')
  async getService(
    @Payload(new CommandContractPipe('getService')) query: GetServiceQuery,
  ): Promise<ServiceSummary> {
    await this.runner.current();
    return this.readModel.service(query.name);
  }

  @MessagePattern('cmd.supervision.list-services')
  async listServices(
    @Payload(new CommandContractPipe('listServices')) query: ListServicesQuery,
  ): Promise<{ items: ServiceSummary[]; next?: string }> {
    await this.runner.current();
    return this.readModel.services(query);
  }

  @MessagePattern('cmd.supervision.list-instances')
  async listInstances(
    @Payload(new CommandContractPipe('listInstances', { remember: 1024 }))
    query: ListInstancesQuery,
  ): Promise<JsonText | { items: InstanceSummary[]; next?: string }> {
    // Memory at the log's head answers with a page rendered there; else the read model, in one
    // round trip when it is at the head, and after waiting for it otherwise.
    const text = await this.instanceList.pageWhenCurrent(query);
    if (text !== undefined) return new JsonText(text);
    const page = await this.readModel.instancesIfCurrent(query);
    if (page) return page;
    await this.runner.current();
    return this.readModel.instances(query);
  }

  @MessagePattern('cmd.supervision.get-instance')
  async getInstance(
    @Payload(new CommandContractPipe('getInstance')) query: GetInstanceQuery,
  ): Promise<InstanceSummary> {
    await this.runner.current();
    return this.readModel.instance(query.instance);
  }

  private async copyFrom(
    command: CopyServiceCommand,
    origin: CommandOrigin | undefined,
  ): Promise<ServiceSummary> {
    const { events } = await this.store.readStream(streamIds.service(command.name));
    const source = foldEvents(
      { ...serviceDecider, initialState: () => initialServiceState(command.name) },
      events.map((e) => ({ type: e.type, data: e.data }) as ServiceEvent),
    );
    return this.commandThenShow(command.as, { type: 'copy-from', source, as: command.as }, origin);
  }

  /**
   * Runs the command, waits until the read model shows its events, and answers the service as the
   * command left it: two changes applied at once each answer their own revision, never the later
   * one's (the read model may already show both).
   */
  private async commandThenShow(
    name: string,
    command: ServiceCommand,
    origin: CommandOrigin | undefined,
  ): Promise<ServiceSummary> {
    const { state, position } = await this.supervisor.command(name, command, origin);
    if (position !== undefined) await this.runner.reach(position);
    return this.readModel.summaryOf(state);
  }
}
