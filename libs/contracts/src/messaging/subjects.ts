/**
 * Every NATS subject and JetStream name Federa uses, derived from one prefix so that tests can run
 * side by side on one server (`federa` in production, a unique prefix per test run).
 */
export class Subjects {
  /** @default 'federa' */
  constructor(readonly prefix = 'federa') {
    if (!/^[a-zA-Z0-9_-]+$/.test(prefix))
      throw new Error(`invalid subject prefix ${JSON.stringify(prefix)}`);
  }

  /** The JetStream stream holding the event log: FEDERA_EVENTS for the default prefix. */
  get eventStream(): string {
    return `${this.prefix.toUpperCase().replace(/-/g, '_')}_EVENTS`;
  }

  /** `federa.events.<streamType>.<EventType>` — what the relay publishes. */
  event(streamType: string, eventType: string): string {
    return `${this.prefix}.events.${streamType}.${eventType}`;
  }

  get allEvents(): string {
    return `${this.prefix}.events.>`;
  }

  agentHeartbeat(host: string): string {
    return `${this.prefix}.agent.${host}.heartbeat`;
  }

  agentCommand(host: string): string {
    return `${this.prefix}.agent.${host}.cmd`;
  }

  agentReport(host: string): string {
    return `${this.prefix}.agent.${host}.report`;
  }

  /** Inventory asks the host's agent to register again (AgentReregister). */
  agentReregister(host: string): string {
    return `${this.prefix}.agent.${host}.reregister`;
  }

  /** Wildcards over every host, for inventory and supervision. */
  get allHeartbeats(): string {
    return `${this.prefix}.agent.*.heartbeat`;
  }

  get allReports(): string {
    return `${this.prefix}.agent.*.report`;
  }

  /** Agent registration (request/reply, answered by inventory). */
  get agentRegister(): string {
    return `${this.prefix}.inventory.register`;
  }

  /**
   * A host's own registration subject (request/reply, answered by inventory): on a bus with
   * permissions an agent may publish here for its own host only (docs/security/bus.md).
   */
  agentRegisterFor(host: string): string {
    return `${this.prefix}.inventory.register.${host}`;
  }

  /** A command to the owning service, request/reply: `federa.cmd.<service>.<command>`. */
  command(service: string, command: string): string {
    return `${this.prefix}.cmd.${service}.${command}`;
  }

  /**
   * A service's health ping (request/reply, empty body): every replica answers its own ServiceHealthReport;
   * the gateway's /readyz asks each backend service here.
   */
  health(service: string): string {
    return `${this.prefix}.health.${service}`;
  }

  /** Queue group of a service, so that its replicas share the work. */
  queueGroup(service: string): string {
    return `${this.prefix}-${service}`;
  }

  /** Fault injection into a simulated host (request/reply, answered by `federa agent --simulate`). */
  simInject(host: string): string {
    return `${this.prefix}.sim.${host}.inject`;
  }

  /**
   * The JetStream key-value bucket of service discovery: one key per host and service
   * (discoveryKey), the value a ServiceEndpoints. Written by supervision; each agent watches its
   * own host's keys only (discoveryKeysOf).
   */
  get discoveryBucket(): string {
    return `${this.prefix}-endpoints`;
  }

  /**
   * The discovery key of a service as `host` sees it: `<host>.<service>`. Host ids hold no dot, so
   * the first token is always the host, and a permission on `<host>.>` covers exactly its keys.
   */
  discoveryKey(host: string, service: string): string {
    return discoveryKey(host, service);
  }

  /** What an agent of `host` watches in the discovery bucket: its own keys. */
  discoveryKeysOf(host: string): string {
    return `${host}.>`;
  }

  /**
   * The JetStream object store of one host's instance data (its exports and backups): an agent
   * reads and writes its own only; the migration saga and supervision copy between them.
   */
  dataBucketOf(host: string): string {
    return `${this.prefix}-data-${host}`;
  }
}

/** `<host>.<service>`: the same whatever the prefix (the bucket's name carries it). */
export function discoveryKey(host: string, service: string): string {
  return `${host}.${service}`;
}

/** The host and service a discovery key names; undefined for a key without a host part. */
export function parseDiscoveryKey(key: string): { host: string; service: string } | undefined {
  const dot = key.indexOf('.');
  if (dot <= 0 || dot === key.length - 1) return undefined;
  return { host: key.slice(0, dot), service: key.slice(dot + 1) };
}
