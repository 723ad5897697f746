import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** What `GET /v1/services/shop` answers, as far as the demo needs it. */
export interface ShopView {
  state: string;
  applications: {
    name: string;
    healthy: number;
    desired: number;
    instances: { state: string }[];
  }[];
}

/** A host as `GET /v1/hosts` lists it, as far as the demo needs it. */
export interface HostView {
  id: string;
  state: string;
  epoch: number;
}

/** The user agent of the demo's own API calls: `federa up` does not show its polling as logs. */
export const demoUserAgent = 'federa-up-demo';

/** Instance states with no process behind them. */
const settledInstanceStates = new Set(['stopped', 'failed', 'pending']);

/** `catalog-db 1/1, payment 0/1, web 0/2`: each application's healthy/desired instances. */
export function shopProgress(view: ShopView): string {
  return view.applications.map((a) => `${a.name} ${a.healthy}/${a.desired}`).join(', ');
}

/** True when the shop is stopped and none of its instances has a process any more. */
export function shopIsStopped(view: ShopView): boolean {
  return (
    ['stopped', 'defined', 'failed'].includes(view.state) &&
    view.applications.every((a) => a.instances.every((i) => settledInstanceStates.has(i.state)))
  );
}

/**
 * True when every host of `hosts` is ready with an epoch above the one it had before (`before`):
 * it has registered anew, rather than being a ready host left over from a previous run.
 */
export function hostsRegistered(
  hosts: string[],
  before: Map<string, number>,
  now: HostView[],
): boolean {
  return hosts.every((id) => {
    const host = now.find((h) => h.id === id);
    return host?.state === 'ready' && host.epoch > (before.get(id) ?? 0);
  });
}

/** The gateway's REST API as the demo uses it (as the admin): its hosts and its shop. */
export class DemoApi {
  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
  ) {}

  /** Every host the API knows. */
  async hosts(): Promise<HostView[]> {
    return ((await this.call('GET', '/v1/hosts')) as { items: HostView[] }).items;
  }

  /**
   * Applies the spec and deploys the shop, retrying until `timeoutMs` while supervision comes up;
   * gives up quietly once `cancel` is aborted (the demo is being stopped).
   */
  async deployShop(specFile: string, timeoutMs: number, cancel: AbortSignal): Promise<void> {
    const spec = readFileSync(specFile, 'utf8');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (cancel.aborted) return;
      try {
        await this.call('PUT', '/v1/services/shop', {
          body: spec,
          contentType: 'application/yaml',
        });
        if (cancel.aborted) return;
        await this.call('POST', '/v1/services/shop/deploy');
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(1000);
      }
    }
  }

  /** Asks for the shop to stop (its applications in reverse dependency order). */
  async stopShop(): Promise<void> {
    await this.call('POST', '/v1/services/shop/stop');
  }

  /** The shop as the API shows it now. */
  async shop(): Promise<ShopView> {
    return (await this.call('GET', '/v1/services/shop')) as ShopView;
  }

  /**
   * Polls `read` until `done(value)`, calling `onChange` whenever `describe(value)` changes;
   * answers the last value, done or not after `timeoutMs` or once `cancel` is aborted (value
   * undefined when the API never answered).
   */
  async waitFor<T>(
    read: () => Promise<T>,
    done: (value: T) => boolean,
    timeoutMs: number,
    options: {
      describe?: (value: T) => string;
      onChange?: (value: T) => void;
      cancel?: AbortSignal;
    } = {},
  ): Promise<{ done: boolean; value?: T }> {
    const deadline = Date.now() + timeoutMs;
    let last: T | undefined;
    let lastShown: string | undefined;
    for (;;) {
      if (options.cancel?.aborted) return { done: false, value: last };
      try {
        last = await read();
        const shown = options.describe?.(last);
        if (shown !== lastShown) options.onChange?.(last);
        lastShown = shown;
        if (done(last)) return { done: true, value: last };
      } catch {
        // not answering yet, or for a moment: ask again until the deadline
      }
      if (Date.now() > deadline) return { done: false, value: last };
      await sleep(500);
    }
  }

  private async call(
    method: string,
    path: string,
    options: { body?: string; contentType?: string } = {},
  ): Promise<unknown> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      'user-agent': demoUserAgent,
    };
    if (options.contentType) headers['content-type'] = options.contentType;
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers,
      body: options.body,
      signal: AbortSignal.timeout(5000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}
