import { html } from '../html';
import { layoutDependencies } from '../dependency-layout';

const nodeWidth = 120;
const nodeHeight = 36;
const columnGap = 60;
const rowGap = 16;

/** The applications of a service as boxes, an arrow from each one to what it depends on. */
export function DependencyGraph({ service }) {
  const layout = layoutDependencies(service.applications);
  const apps = new Map(service.applications.map((app) => [app.name, app]));
  const x = (column) => column * (nodeWidth + columnGap) + 4;
  const y = (row) => row * (nodeHeight + rowGap) + 4;
  const at = new Map(layout.nodes.map((n) => [n.name, { x: x(n.column), y: y(n.row) }]));
  const width = x(layout.columns) - columnGap + 4;
  const height = y(layout.rows) - rowGap + 4;
  const markerId = `arrow-${service.name}`;
  return html`<svg
    class="graph"
    role="img"
    aria-label=${`Dependencies of ${service.name}: ${
      layout.edges.map((e) => `${e.from} needs ${e.to}`).join(', ') || 'none'
    }`}
    viewBox=${`0 0 ${Math.max(width, 1)} ${Math.max(height, 1)}`}
    width=${width}
    height=${height}
  >
    <defs>
      <marker
        id=${markerId}
        viewBox="0 0 10 10"
        refX="10"
        refY="5"
        markerWidth="6"
        markerHeight="6"
        orient="auto-start-reverse"
      >
        <path d="M 0 0 L 10 5 L 0 10 z" class="edge-head" />
      </marker>
    </defs>
    ${layout.edges.map((edge) => {
      const from = at.get(edge.from);
      const to = at.get(edge.to);
      return html`<line
        class="edge"
        x1=${from.x}
        y1=${from.y + nodeHeight / 2}
        x2=${to.x + nodeWidth}
        y2=${to.y + nodeHeight / 2}
        marker-end=${`url(#${markerId})`}
      />`;
    })}
    ${layout.nodes.map((node) => {
      const app = apps.get(node.name);
      const { x: nx, y: ny } = at.get(node.name);
      const ok = app.healthy >= app.desired;
      return html`<g class=${ok ? 'node ok' : 'node short'}>
        <rect x=${nx} y=${ny} width=${nodeWidth} height=${nodeHeight} rx="4" />
        <text x=${nx + 8} y=${ny + 15}>${node.name}</text>
        <text x=${nx + 8} y=${ny + 29} class="node-count"
          >${app.healthy}/${app.desired} healthy</text
        >
      </g>`;
    })}
  </svg>`;
}
