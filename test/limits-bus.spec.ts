import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { FederaError, Subjects } from '@federa/contracts';
import {
  CommandClient,
  CommandExceptionFilter,
  CommandTransport,
  ContractPipe,
  connectNats,
} from '@federa/messaging';
import { uniquePrefix } from '@federa/testing';
import { IsInt, Min } from 'class-validator';
import { JSONCodec, type NatsConnection } from 'nats';

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

class FillCommand {
  @IsInt()
  @Min(0)
  bytes: number;
}

@Controller()
class FillerController {
  @MessagePattern('cmd.filler.fill')
  fill(@Payload(new ContractPipe(FillCommand)) command: FillCommand) {
    return { text: 'x'.repeat(command.bytes) };
  }
}

@Module({ controllers: [FillerController] })
class FillerModule {}

describe('command answers and the bus max_payload', () => {
  const prefix = uniquePrefix('limits');
  const subjects = new Subjects(prefix);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let app: INestMicroservice;
  let nc: NatsConnection;
  let client: CommandClient;
  let maxPayload: number;

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    app = await NestFactory.createMicroservice(FillerModule, {
      strategy: new CommandTransport({ natsUrl, subjectPrefix: prefix, service: 'filler' }),
      logger: false,
    });
    app.useGlobalFilters(new CommandExceptionFilter());
    await app.listen();
    nc = await connectNats(natsUrl, 'test-limits-client');
    client = new CommandClient(nc, subjects, 5000);
    maxPayload = nc.info!.max_payload;
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await app.close();
    await nc.close();
  });

  it('refuses an answer larger than max_payload with a clear error, and goes on answering', async () => {
    const refusal = await client
      .send('filler', 'fill', { bytes: maxPayload + 10 })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(FederaError);
    expect((refusal as FederaError).code).toBe('validation_failed');
    expect((refusal as FederaError).details).toEqual([
      {
        path: '',
        reason: expect.stringContaining(`over the bus's max_payload of ${maxPayload} bytes`),
      },
    ]);
    await expect(client.send('filler', 'fill', { bytes: 3 })).resolves.toEqual({ text: 'xxx' });
    expect(unhandled).toEqual([]);
  });

  it('refuses a command larger than max_payload before sending it', async () => {
    const refusal = await client
      .send('filler', 'fill', { bytes: 1, pad: 'y'.repeat(maxPayload) })
      .catch((e: unknown) => e);
    expect((refusal as FederaError).code).toBe('validation_failed');
    expect((refusal as FederaError).message).toContain('too large to send');
  });

  it('refuses a message nested 10,000 deep without running the handler', async () => {
    const bomb = `{"bytes":1,"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const msg = await nc.request(
      subjects.command('filler', 'fill'),
      new TextEncoder().encode(bomb),
      {
        timeout: 5000,
      },
    );
    const reply = JSONCodec().decode(msg.data) as { ok: boolean; error?: { details: unknown } };
    expect(reply.ok).toBe(false);
    expect(JSON.stringify(reply.error?.details)).toContain('deeper than the limit of 64 levels');
    await expect(client.send('filler', 'fill', { bytes: 2 })).resolves.toEqual({ text: 'xx' });
  });
});
