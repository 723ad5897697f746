import { useErrorBoundary } from 'preact/hooks';
import { html } from '../html';

/**
 * A titled region of the page (a landmark named by its heading) showing a fetched value, or that
 * it is loading, or why it could not be fetched.
 */
export function Panel({ id, title, state, children, wide }) {
  const headingId = `${id}-heading`;
  // A panel that cannot draw what it got says so; the other panels go on.
  const [drawError] = useErrorBoundary();
  if (drawError)
    return html`<section
      id=${id}
      class=${wide ? 'panel wide' : 'panel'}
      aria-labelledby=${headingId}
    >
      <h2 id=${headingId}>${title}</h2>
      <p class="error" role="alert">
        Cannot show this panel: ${String(drawError.message ?? drawError)}
      </p>
    </section>`;
  return html`<section id=${id} class=${wide ? 'panel wide' : 'panel'} aria-labelledby=${headingId}>
    <h2 id=${headingId}>${title}</h2>
    ${
      state && state.error
        ? html`<p class="notice" role="status">${state.error}</p>`
        : state && state.value === undefined
          ? html`<p class="notice">Loading…</p>`
          : children
    }
  </section>`;
}
