import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'prom-client';
import { parse } from 'yaml';
// Each module registers its metrics on the default registry as it loads.
import '../libs/eventstore/src/projections/projection-lag';
import '../services/inventory/src/infrastructure/host-metrics';
import '../services/placement/src/engine/placement-metrics';
import '../services/supervision/src/infrastructure/supervision-metrics';
import '../services/relay/src/infrastructure/relay-lag';
import '../services/migration/src/infrastructure/migration-metrics';
import '../services/statistics/src/forecast/infrastructure/capacity-runout-metrics';
import { sreMetrics } from './sre-metrics';

const root = join(__dirname, '..');

interface GrafanaPanel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}

interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

const dashboard = JSON.parse(
  readFileSync(join(root, 'deploy/grafana/federa-dashboard.json'), 'utf8'),
) as { uid: string; title: string; panels: GrafanaPanel[] };
const alerts = parse(readFileSync(join(root, 'deploy/prometheus/federa-alerts.yml'), 'utf8')) as {
  groups: { name: string; rules: AlertRule[] }[];
};
const rules = alerts.groups.flatMap((group) => group.rules);
const dashboardQueries = dashboard.panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => target.expr),
);

/** The federa_* series a PromQL expression reads (label values and strings left out). */
function seriesIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"[^"]*"/g, '""');
  return [...withoutStrings.matchAll(/\bfedera_[a-z0-9_]+\b/g)].map((m) => m[0]);
}

/** Metric names declared in the source (`name: 'federa_…'`), for metrics created on first use. */
function declaredInSource(): Set<string> {
  const names = new Set<string>();
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      if (entry === 'node_modules') continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) visit(path);
      else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/name: '(federa_[a-z0-9_]+)'/g))
          names.add(m[1]);
      }
    }
  };
  for (const dir of ['libs', 'services']) visit(join(root, dir));
  return names;
}

/** Every series name the code exposes: a histogram's buckets, sum and count included. */
async function exposedSeries(): Promise<Set<string>> {
  const series = new Set<string>();
  for (const metric of await register.getMetricsAsJSON()) {
    series.add(metric.name);
    // prom-client types it as a numeric enum; at run time it is the text format's type name.
    if (String(metric.type) === 'histogram') {
      for (const part of ['bucket', 'sum', 'count']) series.add(`${metric.name}_${part}`);
    }
  }
  return series;
}

describe('the Grafana dashboard and the Prometheus alert rules', () => {
  it('read only metrics the code registers', async () => {
    const registered = await exposedSeries();
    const declared = declaredInSource();
    const used = new Set([...dashboardQueries, ...rules.map((r) => r.expr)].flatMap(seriesIn));
    // A metric created on first use (per connection, per pool) is found where the source names it.
    const unknown = [...used].filter((name) => !registered.has(name) && !declared.has(name));
    expect(unknown).toEqual([]);
    expect(used.size).toBeGreaterThan(10);
  });

  it('show every federa metric the SRE asked for', () => {
    const shown = new Set(
      dashboardQueries.flatMap(seriesIn).map((s) => s.replace(/_(bucket|sum|count)$/, '')),
    );
    for (const metric of [...sreMetrics, 'federa_capacity_runout_seconds']) {
      expect({ metric, shown: shown.has(metric) }).toEqual({ metric, shown: true });
    }
  });

  it('is a dashboard Grafana can import: a uid, a title and a query in every chart', () => {
    expect(dashboard.uid).toBe('federa-overview');
    expect(dashboard.title).toBeTruthy();
    const charts = dashboard.panels.filter((p) => p.type !== 'row');
    const withoutQuery = charts.filter((p) => !(p.targets ?? []).some((t) => t.expr.trim()));
    expect(withoutQuery.map((p) => p.title)).toEqual([]);
    expect(charts.length).toBeGreaterThan(0);
  });

  it('alert on hosts down, failed services, relay and projection lag and capacity run-out', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual([
      'FederaCapacityRunOut',
      'FederaHostDown',
      'FederaProjectionLag',
      'FederaRelayLag',
      'FederaServiceFailed',
    ]);
    const runOut = rules.find((r) => r.alert === 'FederaCapacityRunOut')!;
    expect(runOut.expr).toMatch(/federa_capacity_runout_seconds\)? < 86400$/);
  });

  it('give every alert a duration, a severity, a summary and a description', () => {
    for (const rule of rules) {
      expect(rule).toEqual(
        expect.objectContaining({
          expr: expect.stringMatching(/\S/),
          for: expect.stringMatching(/^\d+[smh]$/),
          labels: expect.objectContaining({
            severity: expect.stringMatching(/^(warning|critical)$/),
          }),
          annotations: expect.objectContaining({
            summary: expect.stringMatching(/\S/),
            description: expect.stringMatching(/\S/),
          }),
        }),
      );
      expect(balanced(rule.expr)).toBe(true);
    }
  });
});

/** Whether the expression's parentheses and braces close in order (a cheap check of its form). */
function balanced(expr: string): boolean {
  const open: string[] = [];
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  for (const c of expr.replace(/"[^"]*"/g, '""')) {
    if ('({['.includes(c)) open.push(c);
    else if (c in pairs && open.pop() !== pairs[c]) return false;
  }
  return open.length === 0;
}
