import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, type NatsContext } from '@nestjs/microservices';
import {
  AgentRegistration,
  ValidationFailed,
  type AgentRegistered,
  type FieldError,
} from '@federa/contracts';
import { ContractPipe } from '@federa/messaging';
import type { HostAttributes } from '../domain/host-attributes';
import { HostDataBuckets } from '../infrastructure/host-data-buckets';
import { HostCommandHandler } from './host-command.handler';
import { verifiedHostKey } from './host-key-proof';

/**
 * Answers agents' registrations with the host's fencing epoch, once the host key proof holds; a live
 * host held by another key is refused with `conflict`. Agents ask on their host's own subject
 * (`Subjects.agentRegisterFor`), which bus permissions restrict to that host's agent; the shared
 * `Subjects.agentRegister` is still answered for open buses and older agents. The host's data
 * bucket is created before the answer (HostDataBuckets).
 */
@Controller()
export class RegistrationController {
  constructor(
    private readonly commands: HostCommandHandler,
    private readonly buckets: HostDataBuckets,
  ) {}

  @MessagePattern('inventory.register.*')
  async registerOnHostSubject(
    @Payload(new ContractPipe(AgentRegistration)) registration: AgentRegistration,
    @Ctx() context: NatsContext,
  ): Promise<AgentRegistered> {
    // `<prefix>.inventory.register.<host>`; a prefix never holds a dot.
    const subjectHost = context.getSubject().split('.')[3];
    if (registration.host !== subjectHost)
      throw new ValidationFailed(
        [{ path: 'host', reason: `must be the host of the subject, ${subjectHost}` }],
        'AgentRegistration',
      );
    return this.register(registration);
  }

  @MessagePattern('inventory.register')
  async register(
    @Payload(new ContractPipe(AgentRegistration)) registration: AgentRegistration,
  ): Promise<AgentRegistered> {
    const attributes = attributesOf(registration);
    const hostKey = verifiedHostKey(registration);
    const { record } = await this.commands.execute(
      registration.host,
      {
        type: 'RegisterHost',
        attributes,
        agentRunId: registration.agentRunId,
        ...(hostKey ? { hostKey } : {}),
      },
      { actor: `agent:${registration.host}` },
    );
    // Before the answer: an agent that is registered finds its bucket (it may not create one).
    await this.buckets.ensureFor(registration.host, attributes.layers);
    return { epoch: record.epoch };
  }
}

/** The registration as host attributes; labels must map names to strings. */
function attributesOf(registration: AgentRegistration): HostAttributes {
  const labels = registration.labels ?? {};
  const errors: FieldError[] = Object.entries(labels)
    .filter(([, value]) => typeof value !== 'string')
    .map(([key]) => ({ path: `labels.${key}`, reason: 'must be a string' }));
  if (errors.length > 0) throw new ValidationFailed(errors, 'AgentRegistration');
  return {
    site: registration.site,
    layers: [...new Set(registration.layers)],
    capacity: { ...registration.capacity },
    costs: { ...registration.costs },
    securityLevel: registration.securityLevel,
    features: {
      ups: registration.features?.ups ?? false,
      raid: registration.features?.raid ?? false,
    },
    labels: { ...labels },
  };
}
