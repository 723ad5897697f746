import { ServerNats, type NatsContext, type NatsOptions } from '@nestjs/microservices';
import {
  DEPTH_LIMIT_REASON,
  ErrorCodes,
  FederaError,
  SpecLimits,
  Subjects,
  checkDocumentLimits,
  type CommandReply,
} from '@federa/contracts';
import { SpanKind, contextOfCarrier, inSpan, tracingOn } from '@federa/runtime/tracing';
import { JSONCodec, type Msg, type NatsConnection, type Subscription } from 'nats';
import { connectNats, natsConnectionOptions } from '../nats-connection';
import { SubjectGuard } from '../subject-guard';
import { commandOutcome, countCommand, type CommandOutcome } from './command-metrics';
import { JsonText } from './json-text';

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
  /** Bodies decoded by handleMessage, handed to the deserializer so that each is decoded once. */
  private readonly decoded = new WeakMap<Uint8Array, unknown>();
  /** The pattern each request arrived under, for `federa_commands_total` when it is answered. */
  private readonly patternOf = new WeakMap<Msg, string>();

  constructor(private readonly transportOptions: CommandTransportOptions) {
    super({
      ...natsConnectionOptions(transportOptions.natsUrl, `federa-${transportOptions.service}`),
      queue: new Subjects(transportOptions.subjectPrefix).queueGroup(transportOptions.service),
      serializer: {
        serialize: (packet: ReplyPacket) => ({ data: encodeReply(packet) }),
      },
      deserializer: {
        deserialize: (value: Uint8Array, options?: Record<string, unknown>) => ({
          pattern: options?.channel,
          data: this.decoded.has(value) ? this.decoded.get(value) : decodeJson(value),
          id: options?.replyTo ? String(options.replyTo) : undefined,
        }),
      },
    } as NonNullable<NatsOptions['options']>);
    this.subjects = new Subjects(transportOptions.subjectPrefix);
  }

  /** Through `connectNats`, so that a certificate TLS refuses stops the service with the reason. */
  override createNatsClient(): Promise<NatsConnection> {
    return connectNats(this.transportOptions.natsUrl, `federa-${this.transportOptions.service}`);
  }

  override bindEvents(client: NatsConnection): void {
    const defaultQueue = this.subjects.queueGroup(this.transportOptions.service);
    for (const [pattern, handler] of this.messageHandlers) {
      const queue =
        handler.extras?.queue === false ? undefined : (handler.extras?.queue ?? defaultQueue);
      const messageHandler = this.getMessageHandler(pattern).bind(this);
      const subject = `${this.subjects.prefix}.${pattern}`;
      // A JetStream delivery into this subject arrives under its stored subject: not a command.
      const guard = new SubjectGuard(subject, (line) => this.logger.warn(line));
      const subscription = client.subscribe(subject, {
        queue,
        callback: (error, msg: Msg) => {
          if (!error && !guard.admits(msg.subject)) return;
          void messageHandler(error, msg);
        },
      });
      this.commandSubscriptions.push(subscription);
    }
  }

  override async close(): Promise<void> {
    for (const subscription of this.commandSubscriptions.splice(0)) subscription.unsubscribe();
    await super.close();
  }

  /**
   * A request whose body is not JSON, or nests deeper than any command, is refused here with the
   * reason, before any handler or validation sees it.
   */
  override async handleMessage(channel: string, natsMsg: Msg): Promise<unknown> {
    const body = decodeJson(natsMsg.data);
    if (natsMsg.reply && body instanceof MalformedBody) {
      const refusal = new FederaError(ErrorCodes.validation, 'invalid message', [
        { path: '', reason: body.__malformed },
      ]);
      this.count(channel, 'refused');
      try {
        natsMsg.respond(json.encode({ ok: false, ...refusal.toBody() } satisfies CommandReply));
      } catch (error) {
        this.logger.error(`could not answer ${natsMsg.subject}: ${String(error)}`);
      }
      return;
    }
    this.decoded.set(natsMsg.data, body);
    this.patternOf.set(natsMsg, channel);
    if (!tracingOn()) return super.handleMessage(channel, natsMsg);
    // The handler runs in a span under the caller's (its `traceparent` header), so that what it
    // appends and sends belongs to the caller's trace.
    return inSpan(
      `federa-${this.transportOptions.service}`,
      `handle ${channel}`,
      () => super.handleMessage(channel, natsMsg),
      { kind: SpanKind.SERVER, parent: contextOfCarrier(natsMsg.headers) },
    );
  }

  /**
   * Nest answers from a callback of its own, where a failing `respond` (an answer larger than the
   * server's max_payload, one that cannot be encoded) is an unhandled rejection that ends the
   * process. Here a failed answer is answered instead with a refusal that says why.
   */
  override getPublisher(
    natsMsg: Msg,
    id: string,
    ctx: NatsContext,
  ): (response: ReplyPacket) => unknown {
    const publish = super.getPublisher(natsMsg, id, ctx) as (response: ReplyPacket) => unknown;
    const pattern = this.patternOf.get(natsMsg);
    // Counted once per request, on its first packet: a command answers with one.
    let counted = natsMsg.reply === undefined || pattern === undefined;
    return (response) => {
      let outcome = commandOutcome(response.err);
      try {
        return publish(response);
      } catch (error) {
        outcome = 'error';
        return this.refuseAnswer(natsMsg, response, error);
      } finally {
        if (!counted) {
          counted = true;
          this.count(pattern as string, outcome);
        }
      }
    };
  }

  private count(pattern: string, outcome: CommandOutcome): void {
    countCommand(this.transportOptions.service, pattern, outcome);
  }

  private refuseAnswer(natsMsg: Msg, response: ReplyPacket, error: unknown): void {
    const refusal = answerRefusal(response, error, this.maxPayload());
    try {
      natsMsg.respond(json.encode({ ok: false, ...refusal.toBody() } satisfies CommandReply));
    } catch (again) {
      this.logger.error(`could not answer ${natsMsg.subject}: ${String(again)}`);
    }
  }

  private maxPayload(): number | undefined {
    try {
      return this.connection.info?.max_payload;
    } catch {
      return undefined;
    }
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

const utf8 = new TextEncoder();

/** The reply's bytes; an answer that is JSON text already goes in as it is (same bytes as encoded). */
function encodeReply(packet: ReplyPacket): Uint8Array {
  const noError = packet.err === undefined || packet.err === null;
  if (noError && packet.response instanceof JsonText)
    return utf8.encode(`{"ok":true,"result":${packet.response.text}}`);
  return json.encode(toCommandReply(packet));
}

function toCommandReply(packet: ReplyPacket): CommandReply {
  if (packet.err !== undefined && packet.err !== null)
    return { ok: false, ...FederaError.from(packet.err).toBody() };
  return { ok: true, result: packet.response ?? null };
}

/** Why an answer could not be sent, as the refusal its caller gets instead. */
function answerRefusal(
  response: ReplyPacket,
  error: unknown,
  maxPayload: number | undefined,
): FederaError {
  let bytes: number | undefined;
  try {
    bytes = json.encode(toCommandReply(response)).length;
  } catch {
    bytes = undefined;
  }
  if (bytes !== undefined && maxPayload !== undefined && bytes > maxPayload) {
    return new FederaError(ErrorCodes.validation, 'the answer is larger than the bus carries', [
      {
        path: '',
        reason: `the answer is ${bytes} bytes, over the bus's max_payload of ${maxPayload} bytes: ask for less (a smaller limit, a smaller spec)`,
      },
    ]);
  }
  return new FederaError(
    ErrorCodes.internal,
    `the answer could not be sent: ${error instanceof Error ? error.message : String(error)}`,
  );
}

/**
 * A body that is not JSON, or that nests deeper than any command does, reaches the handler as a
 * marker its validation refuses with a reason (class-transformer would recurse once per level).
 */
function decodeJson(value: Uint8Array): unknown {
  if (value.length === 0) return {};
  let decoded: unknown;
  try {
    decoded = json.decode(value);
  } catch {
    return new MalformedBody('message body is not valid JSON');
  }
  const deep = checkDocumentLimits(decoded, { maxDepth: SpecLimits.nestingDepth + 1 });
  return deep.length > 0 ? new MalformedBody(`message body ${DEPTH_LIMIT_REASON}`) : decoded;
}

/** The marker of a body that could not be read; a handler's validation refuses its one key. */
class MalformedBody {
  constructor(readonly __malformed: string) {}
}
