import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { FederaError, Subjects, ValidationFailed } from '@federa/contracts';
import {
  CommandClient,
  CommandExceptionFilter,
  CommandTransport,
  ContractPipe,
  connectNats,
} from '@federa/messaging';
import { uniquePrefix } from '@federa/testing';
import { IsInt, IsString, Min } from 'class-validator';
import type { NatsConnection } from 'nats';

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';

class GreetCommand {
  @IsString()
  name: string;

  @IsInt()
  @Min(1)
  times: number;
}

let handled = 0;

@Controller()
class GreeterController {
  @MessagePattern('cmd.greeter.greet')
  greet(@Payload(new ContractPipe(GreetCommand)) command: GreetCommand) {
    handled += 1;
    return { greeting: Array(command.times).fill(`hello ${command.name}`).join(' ') };
  }

  @MessagePattern('cmd.greeter.find')
  find() {
    throw new FederaError('not_found', 'nobody here');
  }
}

@Module({ controllers: [GreeterController] })
class GreeterModule {}

describe('commands over NATS request/reply', () => {
  const prefix = uniquePrefix('cmd');
  const subjects = new Subjects(prefix);
  const replicas: INestMicroservice[] = [];
  let nc: NatsConnection;
  let client: CommandClient;

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const app = await NestFactory.createMicroservice(GreeterModule, {
        strategy: new CommandTransport({ natsUrl, subjectPrefix: prefix, service: 'greeter' }),
        logger: false,
      });
      app.useGlobalFilters(new CommandExceptionFilter());
      await app.listen();
      replicas.push(app);
    }
    nc = await connectNats(natsUrl, 'test-client');
    client = new CommandClient(nc, subjects, 1000);
  });

  afterAll(async () => {
    await Promise.all(replicas.map((app) => app.close()));
    await nc.close();
  });

  it('answers a valid command with the handler result', async () => {
    await expect(client.send('greeter', 'greet', { name: 'ada', times: 2 })).resolves.toEqual({
      greeting: 'hello ada hello ada',
    });
  });

  it('refuses an invalid payload on the receiving side, naming every field, without running the handler', async () => {
    const before = handled;
    const refusal = await client
      .send<never>('greeter', 'greet', { name: 7, times: 0, extra: true })
      .catch((e: FederaError) => e);
    expect(refusal).toBeInstanceOf(FederaError);
    expect(refusal.code).toBe('validation_failed');
    expect((refusal.details as { path: string }[]).map((d) => d.path).sort()).toEqual([
      'extra',
      'name',
      'times',
    ]);
    expect(handled).toBe(before);
  });

  it('refuses a payload that is not JSON with a reason', async () => {
    const msg = await nc.request(
      subjects.command('greeter', 'greet'),
      new TextEncoder().encode('{nope'),
    );
    const reply = JSON.parse(new TextDecoder().decode(msg.data));
    expect(reply.ok).toBe(false);
    expect(reply.error.code).toBe('validation_failed');
  });

  it('validates on the sending side too, before anything leaves', async () => {
    const before = handled;
    await expect(client.send('greeter', 'greet', { name: 'x' }, GreetCommand)).rejects.toThrow(
      /times/,
    );
    expect(handled).toBe(before);
  });

  it('sends a command of the registry to its owning service, refusing a bad one before it leaves', async () => {
    const received: unknown[] = [];
    const inventory = nc.subscribe(subjects.command('inventory', 'retire'), {
      callback: (_, msg) => {
        received.push(JSON.parse(new TextDecoder().decode(msg.data)));
        msg.respond(new TextEncoder().encode(JSON.stringify({ ok: true, result: 'retired' })));
      },
    });
    try {
      const refusal = await client
        .sendCommand('retireHost', { host: 'mph-1', force: 'yes' })
        .catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(ValidationFailed);
      expect((refusal as ValidationFailed).errors.map((e) => e.path)).toEqual(['force']);
      await expect(client.sendCommand('retireHost', { host: 'mph-1', force: true })).resolves.toBe(
        'retired',
      );
      expect(received).toEqual([{ host: 'mph-1', force: true }]);
    } finally {
      inventory.unsubscribe();
    }
  });

  it('carries a service refusal back with its code', async () => {
    await expect(client.send('greeter', 'find', {})).rejects.toMatchObject({
      code: 'not_found',
      message: 'nobody here',
    });
  });

  it('reports an unanswered command as unavailable', async () => {
    await expect(client.send('nobody', 'greet', {})).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('lets replicas share commands so each is handled once', async () => {
    const before = handled;
    await Promise.all(
      Array.from({ length: 20 }, () => client.send('greeter', 'greet', { name: 'b', times: 1 })),
    );
    expect(handled - before).toBe(20);
  });
});
