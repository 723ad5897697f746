import { LIFELINE_STOP_GIVE_UP_MS, watchParentLifeline } from './parent-lifeline';

/**
 * Loaded with `node --require` into every service `federa up` starts: when `federa up` is gone
 * (its end of the lifeline closed), the service stops as on SIGTERM (its usual orderly shutdown),
 * and exits at the latest after LIFELINE_STOP_GIVE_UP_MS should that shutdown hang (its NATS or
 * Postgres may be stopping at the same time). Does nothing in a process without FEDERA_LIFELINE_FD.
 */
void watchParentLifeline()?.then(() => {
  setTimeout(() => process.exit(1), LIFELINE_STOP_GIVE_UP_MS).unref();
  process.kill(process.pid, 'SIGTERM');
});
