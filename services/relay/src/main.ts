import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { RelayModule } from './relay.module';

/** `federa-relay`: publishes the event log to JetStream; run several, one is active. */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(RelayModule);
  app.enableShutdownHooks();
}

main().catch((error) => {
  process.stderr.write(`relay failed to start: ${String(error)}\n`);
  process.exit(1);
});
