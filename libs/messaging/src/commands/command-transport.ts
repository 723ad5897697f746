import { ServerNats, type NatsOptions } from '@nestjs/microservices';
import { FederaError, Subjects, type CommandReply } from '@federa/contracts';
import { JSONCodec, type Msg, type NatsConnection, type Subscription } from 'nats';
import { natsConnectionOptions } from '../nats-connection';

const json = JSONCodec();

export interface CommandTransportOptions {
  natsUrl: string;
  /** FEDERA_SUBJECT_PREFIX: every pattern is subscribed as `<prefix>.<pattern>`. */
  subjectPrefix: string;
  /** The owning service; its replicas share commands through one queue group. */
  service: string;
}

/**
 * Nest's NATS transport, speaking Federa's wire format instead of Nest's envelope: requests are the
 * plain JSON command payload and replies are a `CommandReply`, so the CLI, agents and other
 * languages can talk to services without knowing Nest. Patterns are written without the prefix
 * (`cmd.inventory.cordon-host`, `agent.*.heartbeat`) and subscribed under it.
 */
export class CommandTransport extends ServerNats {
  private readonly subjects: Subjects;
  private readonly commandSubscriptions: Subscription[] = [];

  constructor(private readonly transportOptions: CommandTransportOptions) {
    super({
      ...natsConnectionOptions(transportOptions.natsUrl, `federa-${transportOptions.service}`),
      queue: new Subjects(transportOptions.subjectPrefix).queueGroup(transportOptions.service),
      serializer: {
        serialize: (packet: ReplyPacket) => ({ data: json.encode(toCommandReply(packet)) }),
      },
      deserializer: {
        deserialize: (value: Uint8Array, options?: Record<string, unknown>) => ({
          pattern: options?.channel,
          data: decodeJson(value),
          id: options?.replyTo ? String(options.replyTo) : undefined,
        }),
      },
    } as NonNullable<NatsOptions['options']>);
    this.subjects = new Subjects(transportOptions.subjectPrefix);
  }

  override bindEvents(client: NatsConnection): void {
    const defaultQueue = this.subjects.queueGroup(this.transportOptions.service);
    for (const [pattern, handler] of this.messageHandlers) {
      const queue =
        handler.extras?.queue === false ? undefined : (handler.extras?.queue ?? defaultQueue);
      const messageHandler = this.getMessageHandler(pattern).bind(this);
      const subscription = client.subscribe(`${this.subjects.prefix}.${pattern}`, {
        queue,
        callback: (error, msg: Msg) => void messageHandler(error, msg),
      });
      this.commandSubscriptions.push(subscription);
    }
  }

  override async close(): Promise<void> {
    for (const subscription of this.commandSubscriptions.splice(0)) subscription.unsubscribe();
    await super.close();
  }

  /** The transport's own connection, for services that also publish or use JetStream. */
  get connection(): NatsConnection {
    return this.unwrap<NatsConnection>();
  }
}

interface ReplyPacket {
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

function toCommandReply(packet: ReplyPacket): CommandReply {
  if (packet.err !== undefined && packet.err !== null)
    return { ok: false, ...FederaError.from(packet.err).toBody() };
  return { ok: true, result: packet.response ?? null };
}

/** A body that is not JSON reaches the handler as a marker its validation refuses with a reason. */
function decodeJson(value: Uint8Array): unknown {
  if (value.length === 0) return {};
  try {
    return json.decode(value);
  } catch {
    return { __malformed: 'message body is not valid JSON' };
  }
}
