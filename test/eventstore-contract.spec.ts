import { PostgresEventStore } from '@federa/eventstore';
import { describeEventStoreContract } from '../libs/eventstore/src/testing/event-store-contract';
import { openTestEventLog } from './event-log-fixture';

describeEventStoreContract('the Postgres event store', async () => {
  // A cursor read holds a connection while the same test appends on another.
  const log = await openTestEventLog('es_contract', { poolSize: 6 });
  return {
    store: (options) => new PostgresEventStore(log.pool, options),
    close: () => log.close(),
  };
});
