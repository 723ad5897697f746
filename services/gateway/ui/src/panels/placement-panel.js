import { html } from '../html';
import { Panel } from './panel';

/** Why the selected instance is where it is: the chosen host, the candidates' scores, the rejected. */
export function PlacementPanel({ instance, state }) {
  if (!instance)
    return html`<${Panel} id="placement" title="Placement explanation" state=${{ value: null }}>
      <p class="notice">Select an instance to see why it was placed where it is.</p>
    <//>`;
  const p = state.value;
  return html`<${Panel} id="placement" title=${`Placement of ${instance}`} state=${state}>
    ${
      p
        ? html`<p>${p.message}</p>
            <dl class="facts">
              <dt>Outcome</dt>
              <dd>${p.outcome}</dd>
              <dt>Host</dt>
              <dd>${p.host ?? '—'}</dd>
              <dt>Hosts considered</dt>
              <dd>${p.hostsConsidered}</dd>
              <dt>Cost per hour</dt>
              <dd>${p.costPerHour ?? '—'}</dd>
            </dl>
            ${
              p.candidates && p.candidates.length > 0
                ? html`<table>
                    <caption>
                      Candidates
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">Host</th>
                        <th scope="col">Score</th>
                        <th scope="col">Cost per hour</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${p.candidates.map(
                        (c) =>
                          html`<tr>
                            <th scope="row">${c.host}</th>
                            <td>${c.total.toFixed(3)}</td>
                            <td>${c.costPerHour}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>`
                : null
            }
            ${
              p.rejected && p.rejected.length > 0
                ? html`<table>
                    <caption>
                      Hosts rejected
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col">Filter</th>
                        <th scope="col">Hosts</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${p.rejected.map(
                        (r) =>
                          html`<tr>
                            <th scope="row">${r.filter}${r.detail ? ` (${r.detail})` : ''}</th>
                            <td>${r.hosts}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>`
                : null
            }`
        : null
    }
  <//>`;
}
