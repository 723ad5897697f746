import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from '../html';

/**
 * A uPlot chart in a Preact component: uPlot draws on its own canvas, so the component only
 * creates it once and hands it new data; `label` names the chart for screen readers.
 */
export function Chart({ options, data, label }) {
  const box = useRef(null);
  const plot = useRef(null);
  useEffect(() => {
    plot.current = new uPlot({ width: 420, height: 220, ...options }, data, box.current);
    return () => plot.current.destroy();
  }, [options]);
  useEffect(() => {
    if (plot.current) plot.current.setData(data);
  }, [data]);
  return html`<figure class="chart">
    <div ref=${box} role="img" aria-label=${label}></div>
    <figcaption>${label}</figcaption>
  </figure>`;
}
