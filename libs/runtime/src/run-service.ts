import { Logger, type INestApplicationContext, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandExceptionFilter, CommandTransport } from '@federa/messaging';
import { loadConfig, type FederaConfig } from './federa-config';

export interface ServiceOptions {
  /** The service's name: its queue group, its log prefix, its command subjects (`cmd.<name>.*`). */
  name: string;
  config?: FederaConfig;
}

/**
 * Starts a Federa service as a Nest microservice on the command transport, with refusals carried
 * intact to callers and a clean shutdown on SIGINT/SIGTERM. Answers the running app (tests close it).
 */
export async function runService(
  module: unknown,
  options: ServiceOptions,
): Promise<INestMicroservice> {
  const config = options.config ?? loadConfig();
  const app = await NestFactory.createMicroservice(module as never, {
    strategy: new CommandTransport({
      natsUrl: config.natsUrl,
      subjectPrefix: config.subjectPrefix,
      service: options.name,
    }),
    bufferLogs: false,
  });
  app.useGlobalFilters(new CommandExceptionFilter());
  app.enableShutdownHooks();
  await app.listen();
  new Logger(options.name).log(
    `${options.name} listening on ${config.natsUrl} (prefix ${config.subjectPrefix})`,
  );
  return app;
}

/** Runs `start` as a process's main: logs and exits 1 when it throws, so supervisors notice. */
export function runMain(start: () => Promise<INestApplicationContext | unknown>): void {
  start().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
