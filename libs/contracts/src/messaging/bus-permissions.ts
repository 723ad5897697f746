import { Commands, type CommandName } from '../commands/command-registry';
import { agentJetStreamPermissions } from './agent-jetstream-permissions';
import { busInboxPrefix, type BusIdentity, type BusService } from './bus-identity';
import type { Subjects } from './subjects';
import { subjectMatches } from './subject-pattern';

/** A nats-server user's permissions, as its configuration file spells them. */
export interface BusPermissions {
  publish: { allow?: string[]; deny?: string[] };
  subscribe: { allow?: string[]; deny?: string[] };
  /** May answer the requests it receives (publish to their reply subjects only, once each). */
  allow_responses?: boolean;
}

/** Commands that services send each other; the gateway never sends them. */
const INTERNAL_COMMANDS: CommandName[] = [
  'recordDrainBlocked',
  'finishDrain',
  'timeOutDrain',
  'chooseMigrationTarget',
];

/** Commands a service sends to others (the gateway: every public command). */
const SENT_COMMANDS: Record<BusService, CommandName[]> = {
  gateway: (Object.keys(Commands) as CommandName[]).filter((c) => !INTERNAL_COMMANDS.includes(c)),
  inventory: [],
  placement: [],
  supervision: [],
  migration: ['recordDrainBlocked', 'finishDrain', 'timeOutDrain', 'chooseMigrationTarget'],
  relay: [],
  statistics: [],
};

/** Services that use JetStream (the event stream, the discovery bucket, the hosts' data buckets). */
const JETSTREAM_SERVICES: BusService[] = ['supervision', 'migration', 'relay', 'statistics'];

/**
 * What each identity may publish and subscribe to on the bus: the one source of the server's
 * `authorization` block (`federa credentials render`) and of docs/security/bus.md. Everything not
 * listed is refused by the server. Pure.
 */
export function busPermissions(identity: BusIdentity, subjects: Subjects): BusPermissions {
  const p = subjects.prefix;
  const inbox = `${busInboxPrefix(identity)}.>`;
  switch (identity.kind) {
    case 'agent': {
      const host = identity.name;
      const js = agentJetStreamPermissions(subjects, host);
      return {
        publish: {
          allow: [
            subjects.agentHeartbeat(host),
            subjects.agentReport(host),
            subjects.agentRegisterFor(host),
            ...js.publish,
          ],
        },
        subscribe: {
          allow: [
            subjects.agentCommand(host),
            subjects.agentReregister(host),
            inbox,
            ...js.subscribe,
          ],
        },
        allow_responses: true,
      };
    }
    case 'simulator': {
      // Stands for any number of hosts: every host's agent subjects. For tests and load only.
      const js = agentJetStreamPermissions(subjects, '*');
      return {
        publish: {
          allow: [
            subjects.allHeartbeats,
            subjects.allReports,
            subjects.agentRegisterFor('*'),
            ...js.publish,
          ],
        },
        subscribe: {
          allow: [
            subjects.agentCommand('*'),
            subjects.agentReregister('*'),
            subjects.simInject('*'),
            inbox,
            ...js.subscribe,
          ],
        },
        allow_responses: true,
      };
    }
    case 'reader':
      return {
        publish: { allow: eventStreamReading(subjects, readerConsumerName(identity.name)) },
        subscribe: { allow: [subjects.allEvents, inbox] },
      };
    case 'service':
      return servicePermissions(identity.name, subjects, p, inbox);
  }
}

function servicePermissions(
  service: BusService,
  subjects: Subjects,
  p: string,
  inbox: string,
): BusPermissions {
  const publish = SENT_COMMANDS[service].map((c) =>
    subjects.command(Commands[c].service, Commands[c].subject),
  );
  const subscribe = [inbox];
  if (service !== 'gateway') subscribe.push(subjects.health(service));
  if (service !== 'gateway' && service !== 'relay') subscribe.push(`${p}.cmd.${service}.>`);
  if (JETSTREAM_SERVICES.includes(service)) publish.push('$JS.API.>', '$JS.ACK.>', '$JS.FC.>');
  switch (service) {
    case 'gateway':
      publish.push(subjects.health('*'));
      break;
    case 'inventory':
      // Creates each registering host's data bucket (host-data-bucket.ts); a stream name is one
      // token, so no narrower pattern covers `OBJ_<prefix>-data-<host>`.
      publish.push('$JS.API.INFO', '$JS.API.STREAM.INFO.*', '$JS.API.STREAM.CREATE.*');
      subscribe.push(
        subjects.agentRegister,
        subjects.agentRegisterFor('*'),
        subjects.allHeartbeats,
      );
      publish.push(subjects.agentReregister('*'));
      break;
    case 'supervision':
      subscribe.push(subjects.allHeartbeats, subjects.allReports);
      // Every host's data bucket (`$O.<bucket>.…`; a bucket name is one token, no wildcard covers
      // part of it): supervision copies a backup into the host a restore starts on.
      publish.push(subjects.agentCommand('*'), `$KV.${subjects.discoveryBucket}.>`, '$O.>');
      break;
    case 'migration':
      subscribe.push(subjects.allReports);
      // The saga copies an instance's data from the source host's bucket into the target's.
      publish.push(subjects.agentCommand('*'), '$O.>');
      break;
    case 'relay':
      publish.push(subjects.allEvents);
      break;
    case 'statistics':
      subscribe.push(subjects.allHeartbeats);
      break;
    case 'placement':
      break;
  }
  return {
    publish: publish.length > 0 ? { allow: publish } : { deny: ['>'] },
    subscribe: { allow: subscribe },
    allow_responses: true,
  };
}

/**
 * The one consumer of the event stream a reader may create and use: named after the reader, with a
 * `reader_` mark that no service's consumer name carries (a reader name has no `_`), so that a
 * reader called `statistics` still cannot touch the statistics service's consumer.
 */
export function readerConsumerName(reader: string): string {
  return `reader_${reader}`;
}

/**
 * The JetStream API of the event stream alone, and of the reader's own consumer `consumer` alone:
 * look at the stream and read its messages, create (the create that names the consumer in the
 * subject, or the durable create), look at, pull from, ack and delete that consumer. Never the
 * create that names no consumer in its subject, nor anything of another consumer: the services'
 * durable consumers on the stream are theirs.
 */
function eventStreamReading(subjects: Subjects, consumer: string): string[] {
  const s = subjects.eventStream;
  return [
    '$JS.API.INFO',
    `$JS.API.STREAM.INFO.${s}`,
    `$JS.API.STREAM.MSG.GET.${s}`,
    `$JS.API.DIRECT.GET.${s}`,
    `$JS.API.DIRECT.GET.${s}.>`,
    `$JS.API.CONSUMER.CREATE.${s}.${consumer}`,
    `$JS.API.CONSUMER.CREATE.${s}.${consumer}.>`,
    `$JS.API.CONSUMER.DURABLE.CREATE.${s}.${consumer}`,
    `$JS.API.CONSUMER.INFO.${s}.${consumer}`,
    `$JS.API.CONSUMER.DELETE.${s}.${consumer}`,
    `$JS.API.CONSUMER.MSG.NEXT.${s}.${consumer}`,
    `$JS.API.CONSUMER.NAMES.${s}`,
    `$JS.API.CONSUMER.LIST.${s}`,
    `$JS.ACK.${s}.${consumer}.>`,
    `$JS.FC.${s}.${consumer}.>`,
  ];
}

/** Whether `permissions` let its holder publish (or subscribe to) `subject`, as the server decides it (replies aside). */
export function busPermits(
  permissions: BusPermissions,
  operation: 'publish' | 'subscribe',
  subject: string,
): boolean {
  const { allow, deny } = permissions[operation];
  const allowed = allow === undefined || allow.some((p) => subjectMatches(p, subject));
  return allowed && !(deny ?? []).some((p) => subjectMatches(p, subject));
}
