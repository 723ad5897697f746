// `npm run demo:load [-- --seconds N --rps R --checkout-share S]`: shops at the demo shop's front end
// — real page views (each reads the catalogue from catalog-db) and checkouts (each journalled by
// payment) — above web's scale-out threshold, reports what succeeded and what failed, and then
// watches web scale back in.
// A fixed total rate is spread over the web instances, so that a new instance lowers everyone's
// load: with the defaults (90 requests/s, an example app's capacity 50/s) two instances carry
// 0.9 each (above 0.75: scale out), three carry 0.6 (within the thresholds: stay at three).
// The web instances and where they answer come from the API (`GET /v1/instances`, their
// `endpoint`), asked again every two seconds; the run ends by itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { endpointText, type InstanceSummary } from '@federa/contracts';
import { ApiClient, resolveApiOptions } from '../cli/src/api-client';

interface Target {
  instance: string;
  /** `http://address:port`, from the instance's endpoint. */
  url: string;
}

interface WebScaling {
  scaleOutAbove: number;
  scaleInBelow: number;
  cooldownMs: number;
  min: number;
}

/** Successes and failures of one kind of request; failures counted by reason. */
class Tally {
  ok = 0;
  failed = 0;
  readonly reasons = new Map<string, number>();

  fail(reason: string): void {
    this.failed += 1;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }

  toString(): string {
    return `${this.ok} ok, ${this.failed} failed`;
  }

  /** The failure reasons, most frequent first: `503 payment: … ×3`. */
  why(): string {
    return [...this.reasons]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([reason, count]) => `${reason} ×${count}`)
      .join('; ');
  }
}

const args = process.argv.slice(2);
/** `--name value`: a number above 0 (from 0 with `zero`), at most `max`; anything else ends the run. */
function option(name: string, fallback: number, max = Infinity, zero = false): number {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zero) || value > max) {
    const kind = zero ? 'a number from 0' : 'a positive number';
    process.stderr.write(
      `--${name} must be ${kind}${max < Infinity ? ` up to ${max}` : ''}, got ${String(args[at + 1])}\n`,
    );
    process.exit(2);
  }
  return value;
}
const seconds = option('seconds', 60);
/** Requests per second in all, spread evenly over the web instances. */
const rps = option('rps', 90);
/** The share of requests that are checkouts (0: page views only); the rest are page views. */
const checkoutShare = option('checkout-share', 0.1, 1, true);
/** How long to watch for the scale-in once the load stops. */
const watchSeconds = option('watch', 150);
// npm runs scripts in the package's folder; INIT_CWD is where `npm run` was typed, as `federa up` was.
const cwd = process.env.INIT_CWD ?? process.cwd();
const api = new ApiClient(resolveApiOptions(undefined, process.env, cwd));
const repoRoot = join(__dirname, '..');
const capacityRps = Number(process.env.FEDERA_CAPACITY_RPS || 50);
const requestTimeoutMs = 5000;
const started = Date.now();

function say(line: string): void {
  const at = Math.round((Date.now() - started) / 1000);
  process.stdout.write(`[${String(at).padStart(4)} s] ${line}\n`);
}

function webScaling(): WebScaling {
  const spec = parse(readFileSync(join(repoRoot, 'examples', 'shop.yaml'), 'utf8')) as {
    spec: {
      applications: { name: string; scaling: WebScaling; replicas: { min: number } }[];
    };
  };
  const web = spec.spec.applications.find((a) => a.name === 'web');
  if (!web) throw new Error('examples/shop.yaml has no web application');
  return { ...web.scaling, min: web.replicas.min };
}

/** The shop's web instances that run and say where they answer, as the API lists them now. */
async function webInstances(): Promise<Target[]> {
  const targets: Target[] = [];
  let after: string | undefined;
  do {
    const page = await api.get<{ items: InstanceSummary[]; next?: string }>(
      `/v1/instances?service=shop&app=web&limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`,
    );
    for (const instance of page.items) {
      if (instance.endpoint && ['running', 'healthy'].includes(instance.state)) {
        targets.push({ instance: instance.id, url: `http://${endpointText(instance.endpoint)}` });
      }
    }
    after = page.next;
  } while (after);
  return targets.sort((a, b) => a.instance.localeCompare(b.instance));
}

/** The instance's own `federa_load` gauge (its requests over the last 10 s against its capacity). */
async function loadOf(target: Target): Promise<string> {
  try {
    const text = await (
      await fetch(`${target.url}/metrics`, { signal: AbortSignal.timeout(1000) })
    ).text();
    const match = /^federa_load\s+(\S+)/m.exec(text);
    return match ? Number(match[1]).toFixed(2) : '?';
  } catch {
    return '?';
  }
}

async function describe(targets: Target[]): Promise<string> {
  const loads = await Promise.all(targets.map(loadOf));
  return targets.map((t, i) => `${t.instance} ${loads[i]}`).join(', ');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What a failed answer says, short: `503 payment: no endpoint of payment answered`. */
async function failure(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const error = (JSON.parse(text) as { error?: string }).error;
    if (error) return `${response.status} ${error.split(' (')[0].slice(0, 80)}`;
  } catch {
    // not JSON
  }
  return `${response.status}`;
}

function errorReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error instanceof Error ? error.name : String(error));
}

async function pageView(target: Target, pages: Tally): Promise<void> {
  try {
    const response = await fetch(`${target.url}/`, {
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    if (response.ok && (await response.text()).includes('action="/checkout"')) pages.ok += 1;
    else pages.fail(response.ok ? 'a page without products' : await failure(response));
  } catch (error) {
    pages.fail(errorReason(error));
  }
}

async function checkout(target: Target, skus: string[], checkouts: Tally): Promise<void> {
  const product = skus[Math.floor(Math.random() * skus.length)];
  try {
    const response = await fetch(`${target.url}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ product, quantity: 1 + Math.floor(Math.random() * 3) }),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    if (response.status !== 201) return checkouts.fail(await failure(response));
    const receipt = (await response.json()) as { payment?: string };
    if (receipt.payment) checkouts.ok += 1;
    else checkouts.fail('201 without a payment id');
  } catch (error) {
    checkouts.fail(errorReason(error));
  }
}

/** The catalogue's product skus, read through a web instance (so through catalog-db). */
async function productSkus(targets: Target[]): Promise<string[]> {
  for (const target of targets) {
    try {
      const response = await fetch(`${target.url}/products`, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) continue;
      const skus = ((await response.json()) as { products: { sku: string }[] }).products.map(
        (p) => p.sku,
      );
      if (skus.length > 0) return skus;
    } catch {
      // the next instance may answer
    }
  }
  return [];
}

async function main(): Promise<void> {
  const scaling = webScaling();
  let targets: Target[];
  try {
    targets = await webInstances();
  } catch (error) {
    process.stderr.write(
      `cannot list the shop's web instances through the API at ${api.baseUrl} (${(error as Error).message}): start \`npx federa up\` (with its demo) in ${cwd} first\n`,
    );
    process.exitCode = 1;
    return;
  }
  if (targets.length === 0) {
    process.stderr.write(
      `the API at ${api.baseUrl} lists no running web instance of the shop with an endpoint: is the demo up? see \`npx federa describe service shop\`\n`,
    );
    process.exitCode = 1;
    return;
  }
  const skus = await productSkus(targets);
  if (skus.length === 0) {
    process.stderr.write(
      `no web instance lists any product (is catalog-db running? see \`npx federa describe service shop\`): shopping needs a catalogue\n`,
    );
    process.exitCode = 1;
    return;
  }
  const initial = targets.length;
  const perInstance = (n: number) => (rps / n / capacityRps).toFixed(2);
  say(`the shop's front end answers at ${targets.map((t) => `${t.url}/`).join(', ')}`);
  say(
    `shopping for ${seconds} s: ${rps} requests/s spread evenly over the web instances, ` +
      `${Math.round(checkoutShare * 100)} % of them checkouts of the ${skus.length} products, ` +
      `the rest page views (an instance counts ${capacityRps}/s as full load).`,
  );
  say(
    `the shop scales web out above ${scaling.scaleOutAbove} and in below ${scaling.scaleInBelow} ` +
      `after ${scaling.cooldownMs / 1000} s: with ${initial} instances each carries ` +
      `${perInstance(initial)}, with ${initial + 1} ${perInstance(initial + 1)}.`,
  );
  say('watch it with `npx federa describe service shop` or `npx federa events --follow`.');

  const pages = new Tally();
  const checkouts = new Tally();
  let next = 0;
  let due = 0;
  const end = Date.now() + seconds * 1000;
  const fire = setInterval(() => {
    due += rps / 10;
    for (; due >= 1 && targets.length > 0; due -= 1) {
      const target = targets[next++ % targets.length];
      if (Math.random() < checkoutShare) void checkout(target, skus, checkouts);
      else void pageView(target, pages);
    }
  }, 100);
  while (Date.now() < end) {
    await sleep(Math.min(2000, end - Date.now()));
    const now = await webInstances().catch(() => targets);
    if (now.length !== targets.length) {
      say(
        `web ${now.length > targets.length ? 'scaled out' : 'scaled in'}: ${targets.length} → ${now.length} instances`,
      );
    }
    targets = now;
    say(
      `${targets.length} web instances, load ${await describe(targets)}; ` +
        `pages ${pages}, checkouts ${checkouts}`,
    );
  }
  clearInterval(fire);
  await sleep(requestTimeoutMs);
  const peak = targets.length;
  say(
    `load stopped: page views ${pages}, checkouts ${checkouts} (each ok one a payment journalled).`,
  );
  if (pages.failed > 0) say(`page views failed: ${pages.why()}`);
  if (checkouts.failed > 0) say(`checkouts failed: ${checkouts.why()}`);
  if (pages.ok + checkouts.ok === 0) process.exitCode = 1;
  if (peak <= scaling.min) {
    say(
      `web did not scale out (still ${peak}): is the shop available? see \`npx federa describe service shop\``,
    );
    return;
  }
  say(
    `now watching web scale back in to ${scaling.min} once its load has stayed below ` +
      `${scaling.scaleInBelow} for ${scaling.cooldownMs / 1000} s (at most ${watchSeconds} s; Ctrl-C to leave).`,
  );
  const watchEnd = Date.now() + watchSeconds * 1000;
  let last = targets.length;
  while (Date.now() < watchEnd) {
    await sleep(2000);
    const count = (await webInstances().catch(() => undefined))?.length ?? last;
    if (count !== last) say(`web scaled in: ${last} → ${count} instances`);
    last = count;
    if (count <= scaling.min) {
      say(`web is back to ${count} instances: done.`);
      return;
    }
  }
  say(
    `web still has ${last} instances after ${watchSeconds} s: see \`npx federa describe service shop\``,
  );
}

void main();
