import { HOST_ID_PATTERN } from '../events/values/identifiers';

/** The control plane's services, each with an identity of its own on the bus. */
export const BusServices = [
  'gateway',
  'inventory',
  'placement',
  'supervision',
  'migration',
  'relay',
  'statistics',
] as const;
export type BusService = (typeof BusServices)[number];

export const BusIdentityKinds = ['service', 'agent', 'simulator', 'reader'] as const;
export type BusIdentityKind = (typeof BusIdentityKinds)[number];

/**
 * Who a NATS connection is, as `busPermissions` reads it: a control-plane service, the agent of one
 * host, a simulator standing for many hosts (tests and load only), or a reader of the event log
 * (an integrating team).
 */
export type BusIdentity =
  | { kind: 'service'; name: BusService }
  | { kind: 'agent'; name: string }
  | { kind: 'simulator'; name: string }
  | { kind: 'reader'; name: string };

/** Names of simulators and readers: one subject token and a safe file name. */
const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Why `name` cannot be an identity of `kind`, or undefined when it can. */
export function busIdentityNameProblem(kind: BusIdentityKind, name: string): string | undefined {
  if (kind === 'service')
    return (BusServices as readonly string[]).includes(name)
      ? undefined
      : `must be one of ${BusServices.join(', ')}`;
  const pattern = kind === 'agent' ? HOST_ID_PATTERN : NAME_PATTERN;
  return pattern.test(name)
    ? undefined
    : `must be 1 to 63 lower-case letters, digits or "-"${kind === 'agent' ? ' (a host id)' : ''}`;
}

export function isBusIdentityKind(kind: string): kind is BusIdentityKind {
  return (BusIdentityKinds as readonly string[]).includes(kind);
}

/** The identity of `kind` and `name`; throws naming the part that is wrong. */
export function busIdentity(kind: string, name: string): BusIdentity {
  if (!isBusIdentityKind(kind))
    throw new Error(
      `kind: must be one of ${BusIdentityKinds.join(', ')}, got ${JSON.stringify(kind)}`,
    );
  const problem = busIdentityNameProblem(kind, name);
  if (problem) throw new Error(`name: ${problem}, got ${JSON.stringify(name)}`);
  return { kind, name } as BusIdentity;
}

/** `service:gateway`, `agent:h1`, `simulator:load`, `reader:billing`. */
export function formatBusIdentity(identity: BusIdentity): string {
  return `${identity.kind}:${identity.name}`;
}

/** The inverse of `formatBusIdentity`; throws naming the part that is wrong. */
export function parseBusIdentity(text: string): BusIdentity {
  const colon = text.indexOf(':');
  if (colon < 0)
    throw new Error(`bus identity must read <kind>:<name>, got ${JSON.stringify(text)}`);
  return busIdentity(text.slice(0, colon), text.slice(colon + 1));
}

/**
 * The inbox prefix of an identity's connection (nats.js `inboxPrefix`): replies to its requests and
 * its JetStream deliveries arrive under it, so that its subscribe permission names its own inboxes only.
 */
export function busInboxPrefix(identity: BusIdentity): string {
  return `_INBOX.${identity.kind}.${identity.name}`;
}

/** The line of a seed file (`federa credentials issue`) that names whose seed it is. */
export const BUS_IDENTITY_LINE = '# federa bus identity: ';

/** The identity a seed file's text names on its `BUS_IDENTITY_LINE`, if it has one; throws when it names a wrong one. */
export function busIdentityInText(text: string): BusIdentity | undefined {
  const line = text.split('\n').find((l) => l.startsWith(BUS_IDENTITY_LINE));
  return line === undefined
    ? undefined
    : parseBusIdentity(line.slice(BUS_IDENTITY_LINE.length).trim());
}
