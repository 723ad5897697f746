import { html } from '../html';
import { ago, badgeClass } from '../format';
import { instancesByHost } from '../instances-by-host';
import { Panel } from './panel';

export function InstancesPanel({ state, selected, onSelect }) {
  const groups = instancesByHost(state.value ?? [], Date.now());
  return html`<${Panel} id="instances" title="Instances per host" state=${state}>
    ${groups.map(
      ([host, instances]) =>
        html`<div class="host-group" key=${host}>
          <h3>${host}</h3>
          <ul class="instances">
            ${instances.map(
              (i) =>
                html`<li key=${i.id}>
                  <button
                    type="button"
                    class=${selected === i.id ? 'instance selected' : 'instance'}
                    data-instance=${i.id}
                    data-app=${`${i.service}/${i.app}`}
                    data-state=${i.state}
                    aria-pressed=${selected === i.id ? 'true' : 'false'}
                    onClick=${() => onSelect(i.id)}
                  >
                    <span class="instance-name">${i.service}/${i.app}</span>
                    <span class=${badgeClass(i.state)}>${i.state}</span>
                    <span class="instance-since">${ago(i.since)}</span>
                  </button>
                </li>`,
            )}
          </ul>
        </div>`,
    )}
    ${groups.length === 0 ? html`<p class="notice">No instance runs.</p>` : null}
  <//>`;
}
