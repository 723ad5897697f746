import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { eventually, itWhen } from '@federa/testing';
import { killGroup, persistedHandle, repoRoot } from './agent-harness';
import { Fleet } from './supervision-fleet';
import { apiToken, startControlPlane, type ControlPlane } from './supervision-harness';

const chromiumPath = '/usr/bin/chromium';
const skipReason = existsSync(chromiumPath)
  ? undefined
  : `${chromiumPath} is not installed (Debian package chromium; .ci/run installs it)`;
const shots = join(repoRoot, 'test-output', 'dashboard');

/** A shop in small: a web front end that depends on its database, both the kv-store example app. */
const shopYaml = `
apiVersion: federa/v1
kind: Service
metadata: { name: shop }
spec:
  applications:
    - name: db
      layer: process
      artifact: { command: [node, examples/apps/kv-store.js] }
      resources: { cpu: 250m, memory: 64Mi, storage: 1Gi }
      health: { http: { path: /healthz }, intervalMs: 300, failureThreshold: 3 }
    - name: web
      layer: process
      artifact: { command: [node, examples/apps/kv-store.js] }
      resources: { cpu: 250m, memory: 64Mi, storage: 1Gi }
      dependsOn: [db]
      health: { http: { path: /healthz }, intervalMs: 300, failureThreshold: 3 }
`;

/** A `GET /v1/costs?groupBy=service` answer of two services. */
const costReport = {
  groupBy: 'service',
  from: '2026-01-01T00:00:00.000Z',
  to: '2026-01-02T00:00:00.000Z',
  items: [
    { key: 'shop', usageCost: 1.2, standingCost: 0.8, cost: 2 },
    { key: 'blog', usageCost: 0.3, standingCost: 0.2, cost: 0.5 },
  ],
  total: 2.5,
  unattributed: 0,
};

const hour = 3_600_000;
const hoursFrom = (start: number, count: number) =>
  Array.from({ length: count }, (_, i) => new Date(start + i * hour).toISOString());
/** A `GET /v1/forecasts?scope=fleet&series=true` answer: the fleet's CPU, 12 h seen, 6 h ahead. */
const forecastReport = {
  warnDays: 14,
  items: [
    {
      scope: 'fleet',
      subject: null,
      resource: 'cpu',
      unit: 'millicores',
      status: 'forecast',
      computedAt: new Date(Date.now()).toISOString(),
      horizonHours: 6,
      historyHours: 12,
      demand: 1200,
      capacity: 24000,
      forecastDemand: 1500,
      runsOutAt: null,
      warning: false,
      reason: null,
      history: hoursFrom(Date.now() - 12 * hour, 12).map((at, i) => ({ at, value: 1000 + 20 * i })),
      points: hoursFrom(Date.now(), 6).map((at, i) => ({
        at,
        mean: 1240 + 40 * i,
        lower80: 1200 + 30 * i,
        upper80: 1280 + 50 * i,
        lower95: 1150 + 25 * i,
        upper95: 1330 + 60 * i,
      })),
    },
  ],
};

type Instance = { id: string; app: string; host: string; state: string };

/**
 * The dashboard in Debian's chromium against a real plane (supervision, inventory, placement, the
 * gateway, process agents): what an operator sees change without reloading the page.
 */
describe('the dashboard in a real browser', () => {
  let plane: ControlPlane;
  let fleet: Fleet;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const cspViolations: string[] = [];

  const instancesOf = async (app: string): Promise<Instance[]> =>
    (await plane.call('GET', `/v1/instances?service=shop&app=${app}`)).json.items;
  const shot = (name: string) =>
    page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  /** Waits for the page to show `selector`, answering how long that took. */
  const shown = async (selector: string, since: number): Promise<number> => {
    await page.waitForSelector(selector, { timeout: 60_000 });
    return Date.now() - since;
  };

  /** What axe-core (evaluated in the page: the CSP allows no injected script tag) finds serious. */
  const seriousAccessibilityViolations = async () => {
    await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
    const violations = await page.evaluate(async () => {
      type Violation = { id: string; impact: string; help: string; nodes: unknown[] };
      const { axe } = globalThis as unknown as {
        axe: { run(): Promise<{ violations: Violation[]; passes: unknown[] }> };
      };
      const result = await axe.run();
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.length,
      }));
    });
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  };

  beforeAll(async () => {
    if (skipReason) return;
    // The page the gateway serves is the one these sources build now.
    execFileSync(process.execPath, [join(repoRoot, 'services/gateway/ui/build.js')]);
    rmSync(shots, { recursive: true, force: true });
    mkdirSync(shots, { recursive: true });
    plane = await startControlPlane('dashboard');
    fleet = await Fleet.start(plane, ['d1', 'd2', 'd3']);
    expect(
      (await plane.call('PUT', '/v1/services/shop', shopYaml, 'application/yaml')).status,
    ).toBe(200);
    expect((await plane.call('POST', '/v1/services/shop/deploy')).status).toBe(202);
    await eventually(
      async () => (await plane.call('GET', '/v1/services/shop')).json.state === 'available',
      60_000,
      200,
    );
    profile = mkdtempSync(join(tmpdir(), 'federa-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1400, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    // The plane runs no statistics service (it needs hours of usage): its answers are stood in for.
    await context.route(/\/v1\/costs\b/, (route) => route.fulfill({ json: costReport }));
    await context.route(/\/v1\/forecasts\b/, (route) => route.fulfill({ json: forecastReport }));
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await fleet?.close();
    await plane?.close();
  }, 60_000);

  itWhen(skipReason)(
    'serves the page fresh each time and its hashed assets for a year',
    async () => {
      const answer = await fetch(`${plane.gateway.url}/`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-cache');
      expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
      const script = /src="\/ui\/([^"]+)"/.exec(await answer.text())?.[1];
      const asset = await fetch(`${plane.gateway.url}/ui/${script}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      expect((await fetch(`${plane.gateway.url}/ui/package.json`)).status).toBe(404);
    },
  );

  itWhen(skipReason)('signs in with the API token and shows the service available', async () => {
    await page.goto(plane.gateway.url);
    await page.getByLabel('API token').fill(apiToken);
    await shot('1-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('[data-service="shop"][data-state="available"]', {
      timeout: 30_000,
    });
    await page.waitForSelector('[data-host="d1"]');
    await shot('2-shop-available');
    // The session lives in an HttpOnly cookie: the page's script cannot read it.
    expect(
      await page.evaluate(() => (globalThis as { document?: { cookie: string } }).document?.cookie),
    ).not.toContain('federa_session');
    expect(cspViolations).toEqual([]);
  });

  itWhen(skipReason)(
    'shows a killed instance failed, then its replacement healthy, without a reload',
    async () => {
      const [victim] = await instancesOf('web');
      await page.waitForSelector(`[data-instance="${victim.id}"][data-state="healthy"]`);
      const dataDir = fleet.agents.get(victim.host)!.dataDir;
      // Gone if the page reloads: what follows must come through the live feed.
      await page.evaluate(() => ((globalThis as { sameDocument?: boolean }).sameDocument = true));
      const killedAt = Date.now();
      killGroup(persistedHandle(dataDir, victim.id).pid);

      const failedAfter = await shown(
        `[data-instance="${victim.id}"][data-state="failed"]`,
        killedAt,
      );
      await shot('3-instance-failed');
      const replacedAfter = await shown(
        `[data-app="shop/web"][data-state="healthy"]:not([data-instance="${victim.id}"])`,
        killedAt,
      );
      await shot('4-instance-replaced');
      expect(
        await page.evaluate(() => (globalThis as { sameDocument?: boolean }).sameDocument),
      ).toBe(true);
      expect(await page.locator('#events [data-type="InstanceFailed"]').count()).toBeGreaterThan(0);
      process.stdout.write(
        `dashboard: the killed instance was shown failed after ${failedAfter} ms and its replacement healthy after ${replacedAfter} ms\n`,
      );
    },
    90_000,
  );

  itWhen(skipReason)('shows a host drained through the API as draining', async () => {
    const [db] = await instancesOf('db');
    const drainedAt = Date.now();
    expect(
      (await plane.call('POST', `/v1/hosts/${db.host}/drain`, { reason: 'test' })).status,
    ).toBe(200);
    const after = await shown(`[data-host="${db.host}"][data-state="draining"]`, drainedAt);
    await shot('5-host-draining');
    process.stdout.write(`dashboard: the drained host was shown draining after ${after} ms\n`);
  });

  itWhen(skipReason)(
    'drains a host from its button, the change carrying the session CSRF token',
    async () => {
      const hosts = (await plane.call('GET', '/v1/hosts')).json.items as {
        id: string;
        drain: unknown;
      }[];
      const idle = hosts.find((h) => h.drain === null)!;
      page.once('dialog', (dialog) => void dialog.accept());
      await page.click(`[data-host="${idle.id}"] button:has-text("Drain")`);
      await page.waitForSelector(
        `[data-host="${idle.id}"][data-state="draining"], [data-host="${idle.id}"][data-state="drained"]`,
      );
      expect((await plane.call('GET', `/v1/hosts/${idle.id}`)).json.drain).not.toBeNull();
      await shot('6-host-drained-from-page');
    },
  );

  itWhen(skipReason)('draws cost per service and the capacity forecast as charts', async () => {
    await page.waitForSelector('#costs canvas');
    await page.waitForSelector('#forecasts canvas');
    expect(await page.locator('#costs figcaption').textContent()).toContain('shop 2.00');
    expect(await page.locator('#forecasts figcaption').textContent()).toContain('cpu of the fleet');
    await page.locator('#costs').scrollIntoViewIfNeeded();
    await shot('7-charts');
  });

  itWhen(skipReason)('shows the placement explanation of a clicked instance', async () => {
    const [db] = await instancesOf('db');
    await page.click(`[data-instance="${db.id}"]`);
    await page.waitForSelector(`#placement >> text=${db.host}`);
    await shot('8-placement');
  });

  itWhen(skipReason)(
    'has landmarks, labels and contrast with no serious accessibility violation',
    async () => {
      const serious = await seriousAccessibilityViolations();
      expect(serious).toEqual([]);
      for (const landmark of ['banner', 'navigation', 'main'])
        expect(await page.getByRole(landmark as 'main').count()).toBeGreaterThan(0);
      expect(cspViolations).toEqual([]);
    },
  );

  itWhen(skipReason)('signs out: the session ends and the sign-in form is back', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    expect(await seriousAccessibilityViolations()).toEqual([]);
    const status = await page.evaluate(async () => (await fetch('/v1/hosts')).status);
    expect(status).toBe(401);
    await shot('9-signed-out');
  });
});
