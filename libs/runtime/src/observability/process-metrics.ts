import { collectDefaultMetrics, register } from 'prom-client';

/**
 * Node's standard process metrics (CPU, memory, event loop lag, ...) on the default registry, under
 * their usual unprefixed names. Once per process: several services started in one process (tests)
 * share them.
 */
export function collectProcessMetrics(): void {
  if (register.getSingleMetric('process_cpu_user_seconds_total')) return;
  collectDefaultMetrics();
}
