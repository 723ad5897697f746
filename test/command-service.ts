import type { INestMicroservice, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandExceptionFilter, CommandTransport } from '@federa/messaging';

/**
 * A service's Nest module running in this process, answering its commands on NATS under `prefix` as
 * its main.ts would (the command transport and the filter that turns errors into replies).
 */
export async function listenOnCommands(
  module: unknown,
  service: string,
  nats: { natsUrl: string; subjectPrefix: string },
  logger: LogLevel[] = ['error'],
): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice(module as never, {
    strategy: new CommandTransport({
      natsUrl: nats.natsUrl,
      subjectPrefix: nats.subjectPrefix,
      service,
    }),
    logger,
  });
  app.useGlobalFilters(new CommandExceptionFilter());
  await app.listen();
  return app;
}
