import type { JetStreamClient } from 'nats';
import { MAX_DATA_PART_BYTES } from '../../../../../libs/messaging/src/jetstream/stored-data-manifest';
import { ObjectStoreDataTransfer } from './object-store-data-transfer';

describe('the object store data transfer', () => {
  const js = {} as JetStreamClient;

  it('cuts data into parts no larger than a manifest may name: the trusted copy refuses larger ones', () => {
    expect(() => new ObjectStoreDataTransfer(js, 'b', '/spool')).not.toThrow();
    expect(() => new ObjectStoreDataTransfer(js, 'b', '/spool', MAX_DATA_PART_BYTES)).not.toThrow();
    expect(() => new ObjectStoreDataTransfer(js, 'b', '/spool', MAX_DATA_PART_BYTES + 1)).toThrow(
      `partBytes must be from 1 to ${MAX_DATA_PART_BYTES}, not ${MAX_DATA_PART_BYTES + 1}`,
    );
    expect(() => new ObjectStoreDataTransfer(js, 'b', '/spool', 0)).toThrow(/partBytes/);
  });
});
