/** Whether the log holds an event after `position` (`GET /v1/events?after=position&limit=1`). */
export type EventsAfter = (position: number) => Promise<boolean>;

/**
 * The position of the log's last event (0 when empty), found with about 2·log2(head) requests of
 * one event each: doubling until nothing follows, then halving the gap. The API has no "latest"
 * query, and the page must not replay a long log to show its last events.
 */
export async function findLogHead(eventsAfter: EventsAfter): Promise<number> {
  let low = 0; // an event follows low, or low is 0
  if (!(await eventsAfter(0))) return 0;
  let high = 1;
  while (await eventsAfter(high)) {
    low = high;
    high *= 2;
  }
  // An event follows low, none follows high: the head is in (low, high].
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (await eventsAfter(middle)) low = middle;
    else high = middle;
  }
  return high;
}
