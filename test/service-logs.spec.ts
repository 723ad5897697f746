import { Controller, Logger, Module, type INestMicroservice } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { Subjects } from '@federa/contracts';
import { CommandClient } from '@federa/messaging';
import {
  ServiceHealth,
  correlationIdHeader,
  loadConfig,
  runService,
  withCorrelationId,
} from '@federa/runtime';
import { eventually, uniquePrefix } from '@federa/testing';
import { JSONCodec, connect, headers, type NatsConnection } from 'nats';
import { Writable } from 'node:stream';

const natsUrl = process.env.FEDERA_NATS_URL || 'nats://127.0.0.1:4222';

@Controller()
class EchoController {
  private readonly logger = new Logger('Echo');

  @MessagePattern('cmd.echo.say')
  async say(body: { words: string }): Promise<string> {
    await new Promise((resolve) => setImmediate(resolve));
    this.logger.log(`saying ${body.words}`);
    return body.words;
  }
}

@Module({
  controllers: [EchoController],
  providers: [{ provide: ServiceHealth, useValue: new ServiceHealth('echo') }],
})
class EchoModule {}

describe('a service started by runService', () => {
  const lines: Record<string, unknown>[] = [];
  const prefix = uniquePrefix('logs');
  let app: INestMicroservice;
  let nc: NatsConnection;

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    app = await runService(EchoModule, {
      name: 'echo',
      config: loadConfig({ FEDERA_NATS_URL: natsUrl, FEDERA_SUBJECT_PREFIX: prefix }),
      log: { level: 'info', destination },
    });
    nc = await connect({ servers: natsUrl });
  });

  afterAll(async () => {
    await nc?.drain();
    await app?.close();
  });

  it("logs pino JSON with its name, Nest's start-up lines included", () => {
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 30,
        service: 'echo',
        msg: expect.stringMatching(/^echo listening on /),
      }),
    );
    expect(lines.every((line) => line.service === 'echo' && typeof line.time === 'number')).toBe(
      true,
    );
  });

  it("logs a command handler's lines with the command's correlation id", async () => {
    const carried = headers();
    carried.set(correlationIdHeader, 'corr-logs-1');
    const json = JSONCodec();
    await nc.request(`${prefix}.cmd.echo.say`, json.encode({ words: 'hello' }), {
      headers: carried,
      timeout: 5000,
    });
    await eventually(() => lines.find((line) => line.msg === 'saying hello'));
    expect(lines).toContainEqual(
      expect.objectContaining({
        service: 'echo',
        context: 'Echo',
        msg: 'saying hello',
        correlationId: 'corr-logs-1',
      }),
    );
  });

  it("logs a command the gateway sends while serving a request with the request's id", async () => {
    const client = new CommandClient(nc, new Subjects(prefix));
    // What the gateway's RequestCorrelation does around each request's handler.
    await withCorrelationId('req-gateway-7', () =>
      client.send('echo', 'say', { words: 'from the gateway' }),
    );
    await eventually(() => lines.find((line) => line.msg === 'saying from the gateway'));
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'saying from the gateway', correlationId: 'req-gateway-7' }),
    );
  });

  it('logs a command whose correlation header is no request id without it', async () => {
    const carried = headers();
    carried.set(correlationIdHeader, 'x'.repeat(129));
    await nc.request(`${prefix}.cmd.echo.say`, JSONCodec().encode({ words: 'unmarked' }), {
      headers: carried,
      timeout: 5000,
    });
    const line = await eventually(() => lines.find((l) => l.msg === 'saying unmarked'));
    expect(line).not.toHaveProperty('correlationId');
  });
});
