import { ErrorCodes, FederaError, type ErrorBody } from '@federa/contracts';
import { resolveApiTarget, type ApiTargetFlags } from './contexts';

/** Where the gateway is and who calls it. */
export interface ApiClientOptions {
  baseUrl: string;
  token: string | undefined;
  /** How long one request may take (default requestTimeoutMs); of the event stream, only its answer's headers. */
  requestTimeoutMs?: number;
}

/** Thrown when nothing answers at the gateway's address: most likely `federa up` is not running. */
export class GatewayUnreachable extends Error {
  constructor(
    readonly baseUrl: string,
    cause: unknown,
  ) {
    super(`cannot reach the Federa API at ${baseUrl} (${causeText(cause)})`);
    this.name = 'GatewayUnreachable';
  }

  get hint(): string {
    return 'start a local cluster with `federa up`, or point --api / FEDERA_API_URL at a running gateway';
  }
}

/**
 * Thrown when the gateway took the request but did not answer in time (a hung gateway, a
 * half-open connection): exit 5, as when it cannot be reached.
 */
export class GatewayTimedOut extends GatewayUnreachable {
  constructor(baseUrl: string, method: string, path: string, ms: number) {
    super(baseUrl, new Error('timed out'));
    this.message = `the Federa API at ${baseUrl} did not answer ${method} ${path} within ${seconds(ms)}`;
    this.name = 'GatewayTimedOut';
  }

  override get hint(): string {
    return 'the gateway or the connection to it hangs: check that it is healthy, then retry';
  }
}

/** How long one request may take before it is given up: a hung gateway never blocks for ever. */
export const requestTimeoutMs = 30_000;

/** What a caller may bound one request by. */
export interface RequestOptions {
  /** Aborts the request (e.g. when `--timeout` passes); its reason is thrown as it is. */
  signal?: AbortSignal;
}

/**
 * The gateway's address and token as the CLI resolves them (`resolveApiTarget` of contexts.ts): the
 * URL from `--api`, `--context`, FEDERA_API_URL, the current context or the local default, and the
 * token from `--token` or else from the same place as the URL. A string is `--api` alone.
 */
export function resolveApiOptions(
  flags: string | undefined | ApiTargetFlags,
  env = process.env,
  cwd = process.cwd(),
): ApiClientOptions {
  return resolveApiTarget(typeof flags === 'object' ? flags : { api: flags }, env, cwd);
}

/** A JSON client of the gateway's REST API; every failure is a FederaError or GatewayUnreachable. */
export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, undefined, options);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /**
   * Opens a streamed GET (the event stream): answers the response once its status is 2xx; an
   * error answer is thrown as the API's error, as `request` does.
   */
  async openStream(
    path: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Response> {
    const all = { ...headers, ...this.authorization() };
    // Only the answer's headers are bounded: the stream itself is meant to stay open. A gateway that
    // takes the connection and never answers is then a timeout, which a feed retries.
    const timeoutMs = this.options.requestTimeoutMs ?? requestTimeoutMs;
    const connection = new AbortController();
    const timer = setTimeout(() => connection.abort(), timeoutMs);
    let response: Response;
    try {
      response = await fetch(`${this.options.baseUrl}${path}`, {
        headers: all,
        signal: signal ? AbortSignal.any([signal, connection.signal]) : connection.signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      if (connection.signal.aborted) {
        throw new GatewayTimedOut(this.options.baseUrl, 'GET', path, timeoutMs);
      }
      throw new GatewayUnreachable(this.options.baseUrl, error);
    } finally {
      clearTimeout(timer);
    }
    if (response.ok && response.body) return response;
    throw errorOf(response, parseJson(await response.text()), 'GET', path);
  }

  private authorization(): Record<string, string> {
    return this.options.token ? { authorization: `Bearer ${this.options.token}` } : {};
  }

  /** Sends one request; answers the parsed JSON body (undefined for 204). */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<T> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.authorization(),
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const timeoutMs = this.options.requestTimeoutMs ?? requestTimeoutMs;
    const ownTimeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, ownTimeout]) : ownTimeout;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.options.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
      // The body is bounded too: a gateway may send its headers and then hang.
      text = await response.text();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (ownTimeout.aborted) {
        throw new GatewayTimedOut(this.options.baseUrl, method, path, timeoutMs);
      }
      throw new GatewayUnreachable(this.options.baseUrl, error);
    }
    const parsed = text ? parseJson(text) : undefined;
    if (response.ok) return parsed as T;
    throw errorOf(response, parsed, method, path);
  }
}

/** The API's error of an answer that is not 2xx: its error body, else one naming the status. */
function errorOf(response: Response, parsed: unknown, method: string, path: string): FederaError {
  if (isErrorBody(parsed)) return FederaError.fromBody(parsed);
  return new FederaError(
    codeOfStatus(response.status),
    `${method} ${path} answered ${response.status} ${response.statusText}`,
  );
}

/**
 * The error code of an answer without an error body: 502, 503 and 504 come from a proxy in front
 * of a gateway that is down or restarting, so they are `unavailable` (exit 5, retried by feeds).
 */
export function codeOfStatus(status: number): FederaError['code'] {
  if (status === 401) return ErrorCodes.unauthorized;
  if (status === 502 || status === 503 || status === 504) return ErrorCodes.unavailable;
  return ErrorCodes.internal;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10}s`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  const error = (value as ErrorBody | undefined)?.error;
  return typeof error === 'object' && error !== null && typeof error.code === 'string';
}

function causeText(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}
