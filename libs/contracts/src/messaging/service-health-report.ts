/** One thing a service depends on, as the service sees it now. */
export interface HealthCheck {
  /** `postgres`, `log-subscription`, `read-model`, `leader-lease`... */
  dependency: string;
  up: boolean;
  /** Why it is down. */
  reason?: string;
}

/**
 * What a replica answers on `Subjects.health(service)`: ready when every one of its checks is up. The
 * ping reaching it over NATS is the check of its NATS connection.
 */
export interface ServiceHealthReport {
  service: string;
  ready: boolean;
  checks: HealthCheck[];
}
