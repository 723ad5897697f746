/* global EventSource */
import { getJson } from './api';
import { findLogHead } from './log-head';
import { panelsStaleAfterAll } from './refresh-plan';

/** How long the page gathers events before refetching: one refetch per burst, not per event. */
const debounceMs = 250;

/** How many of the log's last events the feed starts with. */
const backlog = 50;

const eventsAfter = async (position) =>
  (await getJson(`/v1/events?after=${position}&limit=1`)).items.length > 0;

/**
 * Follows `GET /v1/events/stream` from the log's last events (the browser sends the session
 * cookie) and calls `onEvents(events, stalePanels)` once per burst. EventSource reconnects by
 * itself after a drop, from the same position: events already delivered are dropped here.
 * `onStatus` hears 'live', 'reconnecting' and 'closed'.
 */
export function followEvents(onEvents, onStatus) {
  let source;
  let closed = false;
  let pending = [];
  let timer;
  let lastPosition = 0;
  const flush = () => {
    timer = undefined;
    const events = pending;
    pending = [];
    onEvents(events, panelsStaleAfterAll(events.map((e) => e.type)));
  };
  const open = (after) => {
    if (closed) return;
    source = new EventSource(`/v1/events/stream?after=${after}`);
    source.onopen = () => onStatus('live');
    source.onerror = () =>
      onStatus(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    source.onmessage = (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return;
      }
      if (event.position <= lastPosition) return;
      lastPosition = event.position;
      pending.push(event);
      if (timer === undefined) timer = setTimeout(flush, debounceMs);
    };
  };
  findLogHead(eventsAfter)
    .then((head) => open(Math.max(0, head - backlog)))
    .catch(() => open(0));
  return () => {
    closed = true;
    clearTimeout(timer);
    if (source) source.close();
  };
}
