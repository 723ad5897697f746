import { ErrorCodes, FederaError, type ErrorBody } from '@federa/contracts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from './dist-root';

/** Where the gateway is and who calls it. */
export interface ApiClientOptions {
  baseUrl: string;
  token: string | undefined;
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
 * The gateway's address and token as the CLI resolves them: `--api`, else FEDERA_API_URL, else
 * `http://127.0.0.1:${FEDERA_HTTP_PORT || 8080}`; token FEDERA_API_TOKEN, else `.federa/token`.
 */
export function resolveApiOptions(
  api: string | undefined,
  env = process.env,
  cwd = process.cwd(),
): ApiClientOptions {
  const baseUrl = (
    api ||
    env.FEDERA_API_URL ||
    `http://127.0.0.1:${env.FEDERA_HTTP_PORT || 8080}`
  ).replace(/\/+$/, '');
  return { baseUrl, token: env.FEDERA_API_TOKEN || readTokenFile(cwd) };
}

function readTokenFile(cwd: string): string | undefined {
  const file = join(stateDir(cwd), 'token');
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8').trim() || undefined;
}

/** A JSON client of the gateway's REST API; every failure is a FederaError or GatewayUnreachable. */
export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
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

  /** Sends one request; answers the parsed JSON body (undefined for 204). */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.options.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new GatewayUnreachable(this.options.baseUrl, error);
    }
    const text = await response.text();
    const parsed = text ? parseJson(text) : undefined;
    if (response.ok) return parsed as T;
    if (isErrorBody(parsed)) throw FederaError.fromBody(parsed);
    throw new FederaError(
      response.status === 401 ? ErrorCodes.unauthorized : ErrorCodes.internal,
      `${method} ${path} answered ${response.status} ${response.statusText}`,
    );
  }
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
