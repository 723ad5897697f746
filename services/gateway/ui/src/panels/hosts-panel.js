import { html } from '../html';
import { capacityBars } from '../capacity-bars';
import { ago, badgeClass } from '../format';
import { shownHostState } from '../shown-host-state';
import { Panel } from './panel';

/** Inventory decides; the page offers a drain wherever one is not already under way or done. */
const mayDrain = (host) =>
  host.state !== 'retired' &&
  !(host.drain && (host.drain.state === 'draining' || host.drain.state === 'drained'));

function HostRow({ host, canChange, onDrain }) {
  const state = shownHostState(host);
  return html`<tr data-host=${host.id} data-state=${state}>
    <th scope="row">${host.id}</th>
    <td>${host.site}</td>
    <td><span class=${badgeClass(state)}>${state}</span></td>
    <td>
      <ul class="bars">
        ${capacityBars(host.capacity, host.allocated).map(
          (bar) =>
            html`<li>
              <span class="bar-name">${bar.resource}</span>
              <meter
                min="0"
                max="1"
                low="0.7"
                high="0.9"
                optimum="0"
                value=${bar.ratio}
                aria-label=${`${host.id} ${bar.resource} allocated`}
              ></meter>
              <span class="bar-label">${bar.label}</span>
            </li>`,
        )}
      </ul>
    </td>
    <td>${host.epoch}</td>
    <td><time datetime=${host.lastHeartbeatAt ?? ''}>${ago(host.lastHeartbeatAt)}</time></td>
    <td>
      ${
        canChange && mayDrain(host)
          ? html`<button type="button" onClick=${() => onDrain(host.id)}>Drain</button>`
          : null
      }
    </td>
  </tr>`;
}

export function HostsPanel({ state, canChange, onDrain }) {
  const hosts = state.value ?? [];
  return html`<${Panel} id="hosts" title="Hosts" state=${state} wide>
    <table>
      <thead>
        <tr>
          <th scope="col">Host</th>
          <th scope="col">Site</th>
          <th scope="col">State</th>
          <th scope="col">Allocated / capacity</th>
          <th scope="col">Epoch</th>
          <th scope="col">Last heartbeat</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${hosts.map(
          (host) =>
            html`<${HostRow}
              key=${host.id}
              host=${host}
              canChange=${canChange}
              onDrain=${onDrain}
            />`,
        )}
      </tbody>
    </table>
    ${hosts.length === 0 ? html`<p class="notice">No host has registered.</p>` : null}
  <//>`;
}
