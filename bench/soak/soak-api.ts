import type { Answer } from '../../test/outage-harness';

/** One API call as the soak timed it. */
export interface TimedCall {
  atMs: number;
  method: string;
  /** The path without its query and with ids folded (`/v1/hosts/{id}/drain`), to group calls. */
  route: string;
  status: number;
  ms: number;
}

/**
 * The REST API as the soak calls it: every call timed (from the request to the whole answer read)
 * and kept, failures (no answer, a timeout) as status 0.
 */
export class SoakApi {
  readonly calls: TimedCall[] = [];

  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  async call(method: string, path: string, body?: object): Promise<Answer> {
    const started = performance.now();
    const atMs = Date.now();
    let status = 0;
    try {
      const response = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
      status = response.status;
      const text = await response.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = { text: text.slice(0, 200) };
      }
      return { status, json };
    } finally {
      this.calls.push({
        atMs,
        method,
        route: routeOf(path),
        status,
        ms: performance.now() - started,
      });
    }
  }

  /** Every item of a list route, page after page (`next`). */
  async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let after: string | undefined;
    const joiner = path.includes('?') ? '&' : '?';
    do {
      const page = await this.call(
        'GET',
        `${path}${joiner}limit=100${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      );
      if (page.status !== 200)
        throw new Error(`GET ${path}: ${page.status} ${JSON.stringify(page.json)}`);
      items.push(...((page.json?.items ?? []) as T[]));
      after = page.json?.next ?? undefined;
    } while (after);
    return items;
  }
}

/** `/v1/hosts/sim-0001/drain?dryRun=true` → `/v1/hosts/{id}/drain`. */
export function routeOf(path: string): string {
  const [bare] = path.split('?');
  const parts = bare.split('/');
  return parts.map((part, i) => (i === 3 && parts[1] === 'v1' ? '{id}' : part)).join('/');
}
