import { html } from '../html';
import { Panel } from './panel';

/** The latest events of the log, newest first, as the live stream delivers them. */
export function EventsPanel({ events, status }) {
  return html`<${Panel} id="events" title="Event feed" state=${{ value: events }}>
    <p class="notice" role="status">Feed: ${status}</p>
    <ol class="feed" reversed tabindex="0" aria-label="Latest events, newest first">
      ${events.map(
        (e) =>
          html`<li key=${e.position} data-type=${e.type}>
            <span class="feed-position">#${e.position}</span>
            <span class="feed-type">${e.type}</span>
            <span class="feed-stream">${e.streamId}</span>
            <time datetime=${e.recordedAt}>${new Date(e.recordedAt).toLocaleTimeString()}</time>
          </li>`,
      )}
    </ol>
  <//>`;
}
