// The migration benchmark's baseline: the same number of bytes put into and got back from the same
// JetStream object store bucket the agents copy instance data through, raw (one object, the client's
// own chunking and digest, nothing written to disk, no tar, no parts, no manifest).
import { randomBytes } from 'node:crypto';
import { StorageType, type NatsConnection } from 'nats';

export interface RawCopy {
  bytes: number;
  put_s: number;
  get_s: number;
  /** bytes ÷ (put + get) in MiB/s: the floor a copy through the store can reach in this run. */
  mib_per_s: number;
}

/** Puts `bytes` random bytes as one object into `bucket`, gets them back, removes the object. */
export async function rawObjectStoreCopy(
  nc: NatsConnection,
  bucket: string,
  bytes: number,
): Promise<RawCopy> {
  const os = await nc.jetstream().views.os(bucket, { storage: StorageType.File });
  const data = randomBytes(bytes);
  const name = `bench-raw-${process.pid}-${Date.now()}`;
  const putFrom = performance.now();
  // Every chunk of the object is in flight at once: their acks need longer than the default 5 s.
  await os.putBlob({ name }, new Uint8Array(data.buffer, data.byteOffset, data.length), {
    timeout: 300_000,
  });
  const putS = (performance.now() - putFrom) / 1000;
  const getFrom = performance.now();
  const result = await os.get(name);
  if (!result) throw new Error(`raw object ${name} vanished`);
  let received = 0;
  const reader = result.data.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read())
    received += read.value.length;
  const error = await result.error;
  if (error) throw error;
  const getS = (performance.now() - getFrom) / 1000;
  if (received !== bytes) throw new Error(`raw get answered ${received} bytes, not ${bytes}`);
  await os.delete(name);
  return {
    bytes,
    put_s: round(putS, 3),
    get_s: round(getS, 3),
    mib_per_s: round(bytes / 2 ** 20 / (putS + getS), 1),
  };
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}
