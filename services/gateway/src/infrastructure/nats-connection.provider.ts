import type { Provider } from '@nestjs/common';
import { Subjects } from '@federa/contracts';
import { CommandClient, connectNats } from '@federa/messaging';
import { watchNatsConnection } from '@federa/runtime';
import type { NatsConnection } from 'nats';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';

/** Injection token of the gateway's NATS connection. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

export const natsConnectionProvider: Provider = {
  provide: NATS_CONNECTION,
  inject: [GATEWAY_CONFIG],
  useFactory: async (config: GatewayConfig): Promise<NatsConnection> => {
    const nc = await connectNats(config.natsUrl, 'federa-gateway');
    watchNatsConnection('gateway', nc);
    return nc;
  },
};

/**
 * The CommandClient feature modules inject to send commands to owning services
 * (`commands.send(service, command, payload, ContractClass)`); a timeout or no responders
 * becomes `unavailable` (503).
 */
export const commandClientProvider: Provider = {
  provide: CommandClient,
  inject: [NATS_CONNECTION, GATEWAY_CONFIG],
  useFactory: (nc: NatsConnection, config: GatewayConfig) =>
    new CommandClient(nc, new Subjects(config.subjectPrefix), config.commandTimeoutMs),
};
