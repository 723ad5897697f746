import type { INestMicroservice } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NatsConnection } from 'nats';
import { Subjects } from '@federa/contracts';
import type { EventStore } from '@federa/eventstore';
import { CommandExceptionFilter, CommandTransport } from '@federa/messaging';
import { loadMigrationConfig } from '../services/migration/src';
import { AgentEnds } from '../services/migration/src/infrastructure/agent-ends';
import { ClusterReader } from '../services/migration/src/infrastructure/cluster-reader';
import {
  EVENT_STORE,
  NATS_CONNECTION,
} from '../services/migration/src/infrastructure/migration-tokens';
import { PostgresSagaOwnership } from '../services/migration/src/infrastructure/postgres-saga-ownership';
import { MigrationModule } from '../services/migration/src/migration.module';
import { MigrationRunner } from '../services/migration/src/saga/migration-runner';

/** Methods of the real agents' ends a test puts a fault before (each gets the real ends too). */
export type EndsFaults = {
  [K in keyof AgentEnds]?: AgentEnds[K] extends (...args: infer A) => infer R
    ? (real: AgentEnds, ...args: A) => R
    : never;
};

/**
 * The real agents' ends with a fault where a test names one: a method of `faults` is called instead
 * of the real one (and may call it). Every command still goes to the real agents: the fault only
 * picks the moment, without a race against the saga's own pace.
 */
export function faultyEnds(ends: AgentEnds, faults: EndsFaults): AgentEnds {
  return new Proxy(ends, {
    get(target, property) {
      const fault = (faults as Record<PropertyKey, unknown>)[property];
      if (typeof fault === 'function') {
        return (...args: unknown[]) => (fault as (...a: unknown[]) => unknown)(target, ...args);
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

/** The migration service as main.ts runs it, its runner on faultyEnds(real ends, faults). */
export async function startMigrationWithFaults(
  env: NodeJS.ProcessEnv,
  faults: EndsFaults,
): Promise<INestMicroservice> {
  const config = loadMigrationConfig(env);
  const subjects = new Subjects(config.federa.subjectPrefix);
  const module = await Test.createTestingModule({ imports: [MigrationModule.forRoot(config)] })
    .overrideProvider(MigrationRunner)
    .useFactory({
      inject: [EVENT_STORE, NATS_CONNECTION, PostgresSagaOwnership],
      factory: (store: EventStore, nc: NatsConnection, ownership: PostgresSagaOwnership) => {
        const ends = faultyEnds(new AgentEnds(nc, subjects, new ClusterReader(store)), faults);
        return new MigrationRunner(store, ends, ends, { ownership });
      },
    })
    .compile();
  const app = module.createNestMicroservice({
    strategy: new CommandTransport({
      natsUrl: config.federa.natsUrl,
      subjectPrefix: config.federa.subjectPrefix,
      service: 'migration',
    }),
    logger: ['error'],
  });
  app.useGlobalFilters(new CommandExceptionFilter());
  await app.listen();
  return app;
}
