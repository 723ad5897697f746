/** Nest injection tokens of the statistics service. */
export const PG_POOL = Symbol('statistics.pg-pool');
export const EVENT_STORE = Symbol('statistics.event-store');
export const NATS_CONNECTION = Symbol('statistics.nats');
export const STATISTICS_CONFIG = Symbol('statistics.config');
/** The JobsLeadership: which replica runs the periodic jobs (forecasts, budget checks). */
export const JOBS_LEADERSHIP = Symbol('statistics.jobs-leadership');
