import { describeEventStoreContract } from '../testing/event-store-contract';
import { InMemoryEventStore } from './in-memory-event-store';

describeEventStoreContract('the in-memory event store', async () => ({
  store: (options) => new InMemoryEventStore(options),
}));
