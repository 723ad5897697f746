import type { Subjects } from './subjects';

/**
 * The JetStream subjects the agent of `host` may publish to, and nothing of any other host
 * (docs/security/host-isolation.md): its own data bucket (`Subjects.dataBucketOf(host)`: store,
 * read and delete its objects) and a watch of its own keys of the discovery bucket. The
 * list is what the agent's own code paths ask for on nats-server 2.9, read from the server's
 * refusals (test/host-isolation.spec.ts), and no more.
 *
 * No stream is created or changed by an agent (no `STREAM.CREATE`, no `STREAM.UPDATE`): a create
 * carries its whole configuration in the body, sources, mirror and subjects included, and the
 * server would take it. The trusted side creates the data bucket with one fixed configuration
 * (libs/messaging/src/jetstream/host-data-bucket.ts) and the agent opens it as it is.
 *
 * The watch's consumer is created through the consumer-create API that names the filter in the
 * subject (`$JS.API.CONSUMER.CREATE.<stream>.<name>.<filter>`), which the server refuses when the
 * request's filter differs: a permission on the subject is a permission on the filter. The older
 * create (filter in the payload only) is granted on the agent's own data stream alone. Deliveries
 * come into the agent's own inbox (granted beside this), and flow-control answers go to the reply
 * subjects of what it received (`allow_responses`).
 *
 * `host` `*` stands for every host (the simulator, for tests and load): bucket names are not
 * tokens a wildcard can cover, so it gets every bucket's API.
 */
export function agentJetStreamPermissions(
  subjects: Subjects,
  host: string,
): { publish: string[]; subscribe: string[] } {
  if (host === '*') return everyHost(subjects);
  const data = subjects.dataBucketOf(host);
  const dataStream = `OBJ_${data}`;
  const discovery = subjects.discoveryBucket;
  const discoveryStream = `KV_${discovery}`;
  return {
    publish: [
      // Opening a bucket asks what the account's JetStream offers first.
      '$JS.API.INFO',
      // Reading an object looks its stream up by subject: stream names, never their contents.
      '$JS.API.STREAM.NAMES',
      `$JS.API.STREAM.INFO.${dataStream}`,
      `$JS.API.STREAM.MSG.GET.${dataStream}`,
      // Deleting an object purges its chunks (a filtered purge): the agent's own data only.
      `$JS.API.STREAM.PURGE.${dataStream}`,
      `$JS.API.CONSUMER.CREATE.${dataStream}`,
      `$O.${data}.>`,
      `$JS.API.STREAM.INFO.${discoveryStream}`,
      `$JS.API.CONSUMER.CREATE.${discoveryStream}.*.$KV.${discovery}.${subjects.discoveryKeysOf(host)}`,
    ],
    subscribe: [],
  };
}

function everyHost(subjects: Subjects): { publish: string[]; subscribe: string[] } {
  return {
    publish: ['$JS.API.>', `$KV.${subjects.discoveryBucket}.>`, '$O.>', '$JS.ACK.>', '$JS.FC.>'],
    subscribe: [],
  };
}
