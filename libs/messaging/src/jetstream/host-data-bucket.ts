import {
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type ObjectStore,
  type StreamConfig,
} from 'nats';

/**
 * The one configuration of a host's data bucket (`Subjects.dataBucketOf(host)`), the object store
 * nats.js would create, made by the trusted side only (inventory at registration, migration and
 * supervision before they copy into a host): the bucket's own subjects, no sources, no mirror, file
 * storage, direct gets, `replicas` copies in a NATS cluster (`FEDERA_STREAM_REPLICAS` of the side
 * that creates it; one by default). Agents may not create or change streams (docs/security/host-isolation.md),
 * so what an agent stores always lands in a stream of this shape.
 */
export function hostDataBucketConfig(
  bucket: string,
  replicas = 1,
): Partial<StreamConfig> & { name: string } {
  return {
    name: `OBJ_${bucket}`,
    subjects: [`$O.${bucket}.C.>`, `$O.${bucket}.M.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.New,
    num_replicas: replicas,
    max_age: 0,
    allow_direct: true,
    allow_rollup_hdrs: true,
  };
}

/** A host data bucket's stream exists with a shape Federa did not give it (made before agents lost the right). */
export class ForeignDataBucket extends Error {
  override name = 'ForeignDataBucket';
}

export interface EnsureHostDataBucketOptions {
  /**
   * Copies of a bucket created now, in a NATS cluster (`FEDERA_STREAM_REPLICAS`); an existing bucket
   * keeps its own. @default 1
   */
  replicas?: number;
}

/**
 * Creates the bucket with `hostDataBucketConfig` unless it exists; idempotent. An existing stream
 * that reads anything but its own subjects (sources, a mirror, other subjects) is refused with
 * `ForeignDataBucket`, never used: an operator deletes it and the next call creates it right.
 */
export async function ensureHostDataBucket(
  jsm: JetStreamManager,
  bucket: string,
  options: EnsureHostDataBucketOptions = {},
): Promise<void> {
  const config = hostDataBucketConfig(bucket, options.replicas ?? 1);
  let existing: StreamConfig;
  try {
    existing = (await jsm.streams.info(config.name)).config;
  } catch (error) {
    if (!/stream not found/i.test(String(error))) throw error;
    try {
      await jsm.streams.add(config);
      return;
    } catch (raced) {
      // Another replica created it between the two calls: check what it made.
      if (!/already in use|name already/i.test(String(raced))) throw raced;
      existing = (await jsm.streams.info(config.name)).config;
    }
  }
  const subjects = [...(existing.subjects ?? [])].sort();
  const own = [...(config.subjects ?? [])].sort();
  if (
    (existing.sources ?? []).length > 0 ||
    existing.mirror ||
    subjects.length !== own.length ||
    subjects.some((s, i) => s !== own[i])
  )
    throw new ForeignDataBucket(
      `stream ${config.name} exists with another configuration (subjects ${subjects.join(', ')}` +
        `${existing.mirror ? ', a mirror' : ''}${(existing.sources ?? []).length > 0 ? ', sources' : ''}); delete it`,
    );
}

/** The host's data bucket missing where it must exist (an agent opens, never creates). */
export class DataBucketMissing extends Error {
  override name = 'DataBucketMissing';
}

/**
 * Opens a host's data bucket that exists, without asking the server to create it: nats.js
 * `views.os` looks the stream up first and only creates a missing one, so a missing bucket is
 * answered here with `DataBucketMissing` before it gets that far.
 */
export async function openHostDataBucket(
  js: JetStreamClient,
  bucket: string,
): Promise<ObjectStore> {
  const jsm = await js.jetstreamManager();
  try {
    await jsm.streams.info(`OBJ_${bucket}`);
  } catch (error) {
    if (/stream not found/i.test(String(error)))
      throw new DataBucketMissing(
        `data bucket ${bucket} does not exist yet: inventory creates it when the host registers`,
      );
    throw error;
  }
  return js.views.os(bucket, { storage: StorageType.File });
}
