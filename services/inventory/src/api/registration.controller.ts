import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AgentRegistration,
  ValidationFailed,
  type AgentRegistered,
  type FieldError,
} from '@federa/contracts';
import { ContractPipe } from '@federa/messaging';
import type { HostAttributes } from '../domain/host-attributes';
import { HostCommandHandler } from './host-command.handler';
import { verifiedHostKey } from './host-key-proof';

/**
 * Answers agents' registrations (`Subjects.agentRegister`) with the host's fencing epoch, once the
 * host key proof holds; a live host held by another key is refused with `conflict`.
 */
@Controller()
export class RegistrationController {
  constructor(private readonly commands: HostCommandHandler) {}

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
