import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ErrorCodes,
  FederaError,
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
} from '@federa/contracts';
import { foldEvents, PostgresEventStore } from '@federa/eventstore';
import { isLive } from '../domain/instance-view';
import { initialServiceState, serviceDecider, type ServiceEvent } from '../domain/service-decider';
import { Supervisor } from '../supervisor/supervisor';
import { SupervisionView } from '../view/supervision-view';
import {
  instanceSummary,
  serviceSummary,
  type InstanceSummary,
  type ServiceSummary,
} from '../view/service-summary';
import { CommandContractPipe } from './command-contract.pipe';

/** Supervision's commands and queries (`cmd.supervision.*`), answered from the log and the view. */
@Controller()
export class ServiceCommandsController {
  constructor(
    private readonly supervisor: Supervisor,
    private readonly view: SupervisionView,
    private readonly store: PostgresEventStore,
  ) {}

  @MessagePattern('cmd.supervision.apply')
  async apply(
    @Payload(new CommandContractPipe('applyService')) command: ApplyServiceCommand,
  ): Promise<ServiceSummary> {
    await this.supervisor.command(command.name, { type: 'apply', spec: command.spec });
    return this.summary(command.name);
  }

  @MessagePattern('cmd.supervision.deploy')
  async deploy(
    @Payload(new CommandContractPipe('deployService')) command: DeployServiceCommand,
  ): Promise<ServiceSummary> {
    await this.supervisor.command(command.name, { type: 'deploy' });
    return this.summary(command.name);
  }

  @MessagePattern('cmd.supervision.stop')
  async stop(
    @Payload(new CommandContractPipe('stopService')) command: StopServiceCommand,
  ): Promise<ServiceSummary> {
    await this.supervisor.command(command.name, { type: 'stop' });
    return this.summary(command.name);
  }

  @MessagePattern('cmd.supervision.delete')
  async delete(
    @Payload(new CommandContractPipe('deleteService')) command: DeleteServiceCommand,
  ): Promise<{ name: string; deleted: true }> {
    await this.supervisor.command(command.name, { type: 'delete' });
    return { name: command.name, deleted: true };
  }

  @MessagePattern('cmd.supervision.copy')
  async copy(
    @Payload(new CommandContractPipe('copyService')) command: CopyServiceCommand,
  ): Promise<ServiceSummary> {
    const { events } = await this.store.readStream(streamIds.service(command.name));
    const source = foldEvents(
      { ...serviceDecider, initialState: () => initialServiceState(command.name) },
      events.map(
        (e) => ({ type: e.type, data: e.data as Record<string, unknown> }) as ServiceEvent,
      ),
    );
    await this.supervisor.command(command.as, { type: 'copy-from', source, as: command.as });
    return this.summary(command.as);
  }

  @MessagePattern('cmd.supervision.get-service')
  getService(
    @Payload(new CommandContractPipe('getService')) query: GetServiceQuery,
  ): ServiceSummary {
    return this.summary(query.name);
  }

  @MessagePattern('cmd.supervision.list-services')
  listServices(@Payload(new CommandContractPipe('listServices')) query: ListServicesQuery): {
    items: ServiceSummary[];
  } {
    const items = [...this.view.services.values()]
      .filter((s) => s.status !== 'absent' && s.status !== 'deleted')
      .map((s) => serviceSummary(s, this.view.instancesOf(s.name)))
      .filter((s) => !query.state || s.state === query.state)
      .sort((a, b) => a.name.localeCompare(b.name));
    return { items: page(items, (s) => s.name, query.after, query.limit) };
  }

  @MessagePattern('cmd.supervision.list-instances')
  listInstances(@Payload(new CommandContractPipe('listInstances')) query: ListInstancesQuery): {
    items: InstanceSummary[];
  } {
    const items = [...this.view.instances.values()]
      .filter(
        (i) =>
          (!query.service || i.service === query.service) && (!query.app || i.app === query.app),
      )
      .filter(
        (i) =>
          (!query.host || i.host === query.host) &&
          (query.state ? i.state === query.state : isLive(i)),
      )
      .map(instanceSummary)
      .sort((a, b) => a.id.localeCompare(b.id));
    return { items: page(items, (i) => i.id, query.after, query.limit) };
  }

  @MessagePattern('cmd.supervision.get-instance')
  getInstance(
    @Payload(new CommandContractPipe('getInstance')) query: GetInstanceQuery,
  ): InstanceSummary {
    const instance = this.view.instances.get(query.instance);
    if (!instance)
      throw new FederaError(ErrorCodes.notFound, `instance ${query.instance} not found`);
    return instanceSummary(instance);
  }

  private summary(name: string): ServiceSummary {
    const state = this.view.service(name);
    if (state.status === 'absent' || state.status === 'deleted') {
      throw new FederaError(ErrorCodes.notFound, `service ${name} not found`);
    }
    return serviceSummary(state, this.view.instancesOf(name));
  }
}

function page<T>(
  items: T[],
  key: (item: T) => string,
  after: string | undefined,
  limit = 100,
): T[] {
  return items.filter((item) => !after || key(item) > after).slice(0, limit);
}
