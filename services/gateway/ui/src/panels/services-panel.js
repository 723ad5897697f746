import { html } from '../html';
import { badgeClass } from '../format';
import { DependencyGraph } from './dependency-graph';
import { Panel } from './panel';

function ServiceCard({ service }) {
  return html`<article class="card" data-service=${service.name} data-state=${service.state}>
    <h3>${service.name} <span class=${badgeClass(service.state)}>${service.state}</span></h3>
    <table>
      <thead>
        <tr>
          <th scope="col">Application</th>
          <th scope="col">Healthy / desired</th>
          <th scope="col">Depends on</th>
        </tr>
      </thead>
      <tbody>
        ${service.applications.map(
          (app) =>
            html`<tr data-app=${app.name}>
              <th scope="row">${app.name}</th>
              <td>${app.healthy} / ${app.desired}${app.reason ? ` (${app.reason})` : ''}</td>
              <td>${app.dependsOn.join(', ') || '—'}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <${DependencyGraph} service=${service} />
  </article>`;
}

export function ServicesPanel({ state }) {
  const services = state.value ?? [];
  return html`<${Panel} id="services" title="Services" state=${state}>
    ${services.map((service) => html`<${ServiceCard} key=${service.name} service=${service} />`)}
    ${services.length === 0 ? html`<p class="notice">No service is defined.</p>` : null}
  <//>`;
}
