import { html } from '../html';
import { badgeClass } from '../format';
import { Panel } from './panel';

/** Migrations still moving (pending or running), each with its phases so far. */
export function MigrationsPanel({ state }) {
  const moving = (state.value ?? []).filter((m) => m.state === 'pending' || m.state === 'running');
  return html`<${Panel} id="migrations" title="Migrations in progress" state=${state}>
    ${
      moving.length === 0
        ? html`<p class="notice">No migration is in progress.</p>`
        : html`<table>
            <thead>
              <tr>
                <th scope="col">Instance</th>
                <th scope="col">From → to</th>
                <th scope="col">Mode</th>
                <th scope="col">Phases</th>
              </tr>
            </thead>
            <tbody>
              ${moving.map(
                (m) =>
                  html`<tr key=${m.id} data-migration=${m.id}>
                    <th scope="row">${m.service}/${m.app} (${m.instance})</th>
                    <td>${m.from} → ${m.to}</td>
                    <td>${m.mode}</td>
                    <td>
                      <ol class="phases">
                        ${m.phases.map(
                          (phase) =>
                            html`<li class=${badgeClass(phase.endedAt ? 'done' : 'running')}>
                              ${phase.name}
                            </li>`,
                        )}
                      </ol>
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  <//>`;
}
