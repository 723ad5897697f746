import { useMemo } from 'preact/hooks';
import { html } from '../html';
import { Chart } from './chart';
import { Panel } from './panel';

const seconds = (iso) => Date.parse(iso) / 1000;

/** Observed history then the forecast's mean and 95 % band, on one time axis. */
function forecastSeries(forecast) {
  const history = forecast.history ?? [];
  const points = forecast.points ?? [];
  const x = [...history.map((p) => seconds(p.at)), ...points.map((p) => seconds(p.at))];
  const gap = history.map(() => null);
  return [
    x,
    [...history.map((p) => p.value), ...points.map(() => null)],
    [...gap, ...points.map((p) => p.mean)],
    [...gap, ...points.map((p) => p.upper95)],
    [...gap, ...points.map((p) => p.lower95)],
  ];
}

const options = (forecast) => ({
  series: [
    {},
    { label: 'observed', stroke: '#1f4d7a', width: 2 },
    { label: 'forecast', stroke: '#8a3b00', width: 2, dash: [6, 4] },
    { label: 'upper 95 %', stroke: '#b07a4f' },
    { label: 'lower 95 %', stroke: '#b07a4f' },
  ],
  axes: [{}, { label: forecast.unit }],
});

function ForecastChart({ forecast }) {
  const opts = useMemo(() => options(forecast), [forecast.unit]);
  const data = useMemo(() => forecastSeries(forecast), [forecast]);
  const subject = forecast.subject ? `${forecast.scope} ${forecast.subject}` : forecast.scope;
  const outlook = forecast.runsOutAt ? `runs out ${forecast.runsOutAt}` : 'does not run out';
  return html`<${Chart}
    options=${opts}
    data=${data}
    label=${`${forecast.resource} of the ${subject} (${forecast.unit}): ${outlook}`}
  />`;
}

/** The fleet's capacity forecasts (one chart per resource) and any warning of running out. */
export function ForecastsPanel({ state }) {
  const items = state.value ? state.value.items : [];
  const charted = items.filter((f) => f.status === 'forecast' && f.points && f.points.length > 0);
  const waiting = items.filter((f) => f.status !== 'forecast');
  return html`<${Panel} id="forecasts" title="Capacity forecasts" state=${state}>
    ${charted.map((f) => html`<${ForecastChart} key=${`${f.resource}`} forecast=${f} />`)}
    ${
      charted.length === 0
        ? html`<p class="notice">
            No forecast
            yet${waiting.length > 0 ? ` (${waiting[0].reason ?? 'not enough history'})` : ''}.
          </p>`
        : null
    }
  <//>`;
}
