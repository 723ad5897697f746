import { useMemo } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from '../html';
import { Chart } from './chart';
import { Panel } from './panel';

/** Cost per service over the last 24 hours, as bars (x: the services, most expensive first). */
export function CostsPanel({ state }) {
  const report = state.value;
  const items = report ? report.items : [];
  const names = items.map((i) => i.key);
  const options = useMemo(
    () => ({
      scales: {
        x: { time: false, range: [-0.5, Math.max(0.5, names.length - 0.5)] },
        // Bars start at zero, or their heights misstate the ratio between services.
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        {
          values: (_u, ticks) => ticks.map((t) => names[t] ?? ''),
          splits: () => names.map((_n, i) => i),
        },
        { label: 'cost' },
      ],
      series: [
        {},
        {
          label: 'cost',
          paths: uPlot.paths.bars({ size: [0.6, 60] }),
          fill: '#3a6ea5',
          stroke: '#1f4d7a',
        },
      ],
      legend: { show: false },
    }),
    [names.join('\n')],
  );
  const data = useMemo(() => [names.map((_n, i) => i), items.map((i) => i.cost)], [report]);
  return html`<${Panel} id="costs" title="Cost per service (24 h)" state=${state}>
    ${
      report && items.length > 0
        ? html`<${Chart}
            options=${options}
            data=${data}
            label=${`Cost per service: ${items
              .map((i) => `${i.key} ${i.cost.toFixed(2)}`)
              .join(', ')}; total ${report.total.toFixed(2)}`}
          />`
        : html`<p class="notice">No cost recorded yet.</p>`
    }
  <//>`;
}
