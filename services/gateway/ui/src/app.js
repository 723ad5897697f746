import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html';
import { currentSession, getJson, onSessionEnded, postJson, signOut } from './api';
import { followEvents } from './live-feed';
import { SignIn } from './sign-in';
import { HostsPanel } from './panels/hosts-panel';
import { ServicesPanel } from './panels/services-panel';
import { InstancesPanel } from './panels/instances-panel';
import { PlacementPanel } from './panels/placement-panel';
import { MigrationsPanel } from './panels/migrations-panel';
import { CostsPanel } from './panels/costs-panel';
import { ForecastsPanel } from './panels/forecasts-panel';
import { EventsPanel } from './panels/events-panel';

/** Where each panel's data comes from, and what of the answer it shows. */
const sources = {
  hosts: () => getJson('/v1/hosts?limit=500').then((page) => page.items),
  services: () => getJson('/v1/services?limit=500').then((page) => page.items),
  // Live instances, and the failed ones (the list leaves out ended instances unless asked).
  instances: () =>
    Promise.all([
      getJson('/v1/instances?limit=500'),
      getJson('/v1/instances?state=failed&limit=500'),
    ]).then(([live, failed]) => [...live.items, ...failed.items]),
  migrations: () => getJson('/v1/migrations?limit=500').then((page) => page.items),
  costs: () => getJson('/v1/costs?groupBy=service'),
  forecasts: () => getJson('/v1/forecasts?scope=fleet&series=true'),
};
const panelNames = Object.keys(sources);
const feedLength = 50;
const canChange = (role) => role === 'admin' || role === 'operator';

/** Each panel's last answer (kept while refetching, so the page does not flicker) or its error. */
function usePanels(enabled) {
  const [panels, setPanels] = useState(() =>
    Object.fromEntries(panelNames.map((name) => [name, { value: undefined, error: null }])),
  );
  // Refetches overlap; an answer older than one already shown must not replace it (but a newer
  // request still in flight does not hold back an answer: a busy feed must not starve a panel).
  const asked = useRef({});
  const shown = useRef({});
  const refresh = useCallback((names) => {
    for (const name of names) {
      const request = (asked.current[name] = (asked.current[name] ?? 0) + 1);
      const latest = () => {
        if ((shown.current[name] ?? 0) > request) return false;
        shown.current[name] = request;
        return true;
      };
      sources[name]()
        .then((value) => {
          if (latest()) setPanels((all) => ({ ...all, [name]: { value, error: null } }));
        })
        .catch((error) => {
          if (!latest()) return;
          setPanels((all) => ({
            ...all,
            [name]: { value: all[name].value, error: `Not available: ${error.message}` },
          }));
        });
    }
  }, []);
  useEffect(() => {
    if (enabled) refresh(panelNames);
  }, [enabled]);
  return [panels, refresh];
}

function Dashboard({ session, onSignOut }) {
  const [panels, refresh] = usePanels(true);
  const [events, setEvents] = useState([]);
  const [feedStatus, setFeedStatus] = useState('connecting');
  const [selected, setSelected] = useState(null);
  const [placement, setPlacement] = useState({ value: undefined, error: null });
  const [notice, setNotice] = useState(null);
  const selectedRef = useRef(selected);
  selectedRef.current = selected;

  const explain = useCallback((id) => {
    setSelected(id);
    setPlacement({ value: undefined, error: null });
    getJson(`/v1/placements/${encodeURIComponent(id)}`)
      .then((value) => setPlacement({ value, error: null }))
      .catch((error) =>
        setPlacement({ value: undefined, error: `Not available: ${error.message}` }),
      );
  }, []);

  useEffect(
    () =>
      followEvents((batch, stale) => {
        setEvents((shown) => [...batch.reverse(), ...shown].slice(0, feedLength));
        refresh(stale);
      }, setFeedStatus),
    [],
  );

  const drain = async (host) => {
    // Moves every instance off the host: asked once more, as `federa drain` would not be undone.
    if (!globalThis.confirm(`Drain ${host}? Its instances move to other hosts.`)) return;
    try {
      await postJson(`/v1/hosts/${encodeURIComponent(host)}/drain`, {
        reason: 'from the dashboard',
      });
      setNotice(`Draining ${host}.`);
      refresh(['hosts']);
    } catch (error) {
      setNotice(`Could not drain ${host}: ${error.message}`);
    }
  };

  return html`<div class="page">
    <header>
      <h1>Federa</h1>
      <nav aria-label="Panels">
        <ul>
          <li><a href="#hosts">Hosts</a></li>
          <li><a href="#services">Services</a></li>
          <li><a href="#instances">Instances</a></li>
          <li><a href="#migrations">Migrations</a></li>
          <li><a href="#costs">Costs</a></li>
          <li><a href="#forecasts">Forecasts</a></li>
          <li><a href="#events">Events</a></li>
        </ul>
      </nav>
      <p class="who">
        ${session.actor} (${session.role})
        <button type="button" onClick=${onSignOut}>Sign out</button>
      </p>
    </header>
    <main id="main">
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
      <${HostsPanel} state=${panels.hosts} canChange=${canChange(session.role)} onDrain=${drain} />
      <${ServicesPanel} state=${panels.services} />
      <${InstancesPanel} state=${panels.instances} selected=${selected} onSelect=${explain} />
      <${PlacementPanel} instance=${selected} state=${placement} />
      <${MigrationsPanel} state=${panels.migrations} />
      <${CostsPanel} state=${panels.costs} />
      <${ForecastsPanel} state=${panels.forecasts} />
      <${EventsPanel} events=${events} status=${feedStatus} />
    </main>
  </div>`;
}

/** The whole page: the sign-in form until a session exists, then the dashboard. */
export function App() {
  const [session, setSession] = useState(undefined);
  useEffect(() => {
    // A session that ends while the page is open brings the sign-in form back.
    onSessionEnded(() => setSession(null));
    currentSession()
      .then(setSession)
      .catch(() => setSession(null));
  }, []);
  if (session === undefined) return html`<main id="main"><p class="notice">Loading…</p></main>`;
  if (session === null) return html`<${SignIn} onSignedIn=${setSession} />`;
  return html`<${Dashboard}
    session=${session}
    onSignOut=${() => signOut().then(() => setSession(null))}
  />`;
}
