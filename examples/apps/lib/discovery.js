'use strict';
/**
 * How an application finds the other applications of its service, wherever they run — Federa's
 * discovery contract from the workload's side (docs/reference/discovery.md):
 *
 * - at start, `FEDERA_ENDPOINTS_<APP>` (the application's name upper-cased, `-` as `_`) holds a
 *   comma-separated `address:port` list of each application's serving instances (empty when none);
 * - `FEDERA_DISCOVERY_URL`, served by the host's agent, answers the service's endpoints as JSON
 *   (`{service, version, updatedAt, applications: [{name, instances: [{address, port, ...}]}]}`);
 *   `?waitForVersion=N` holds the answer until a version of at least N exists (or `timeoutMs`
 *   passes: then it answers what it holds), so that a reader long-polls with its version + 1 and
 *   learns every move without a restart.
 *
 * `new Discovery(['catalog-db', 'payment'])` keeps the current set, long-polls in the background and
 * sends requests with `request(app, ...)`, trying the next endpoint of the application when one
 * cannot be connected to. Plain Node, no dependency: copy it into your own application.
 */
const http = require('node:http');
const { EventEmitter } = require('node:events');

/** Errors that mean the request never reached the instance: safe to send again elsewhere. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
]);
/** Errors after which an idempotent request (GET) may be sent again to another instance. */
const BROKEN_EXCHANGE = new Set(['ECONNRESET', 'EPIPE', 'RESPONSE_TIMEOUT']);

const LONG_POLL_MS = 25_000;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;

/** `FEDERA_ENDPOINTS_<APP>` for an application name. */
function variableName(app) {
  return `FEDERA_ENDPOINTS_${app.toUpperCase().replace(/-/g, '_')}`;
}

/** `"10.0.0.5:8081,10.0.0.6:8081"` → `["10.0.0.5:8081", "10.0.0.6:8081"]` (blanks dropped). */
function parseEndpointList(value) {
  return String(value || '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^[^\s:]+:\d{1,5}$/.test(s) || /^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(s));
}

/**
 * The endpoints of a ServiceEndpoints value by application, or a reason why the value is unusable:
 * a reader keeps its last good set rather than adopting a malformed one.
 */
function readServiceEndpoints(value) {
  if (!value || typeof value !== 'object') return { error: 'not a JSON object' };
  if (!Number.isInteger(value.version) || value.version < 0)
    return { error: 'version must be a non-negative integer' };
  if (!Array.isArray(value.applications)) return { error: 'applications must be a list' };
  const byApp = new Map();
  for (const [i, application] of value.applications.entries()) {
    if (
      !application ||
      typeof application.name !== 'string' ||
      !Array.isArray(application.instances)
    )
      return { error: `applications[${i}] must have a name and a list of instances` };
    const endpoints = [];
    for (const [j, instance] of application.instances.entries()) {
      const port = instance && instance.port;
      if (
        typeof instance?.address !== 'string' ||
        !Number.isInteger(port) ||
        port < 1 ||
        port > 65535
      )
        return { error: `applications[${i}].instances[${j}] must have an address and a port` };
      const host = instance.address.includes(':') ? `[${instance.address}]` : instance.address;
      endpoints.push(`${host}:${port}`);
    }
    byApp.set(application.name, endpoints);
  }
  return { version: value.version, byApp };
}

/** Splits `address:port`, unwrapping a bracketed IPv6 address. */
function splitEndpoint(endpoint) {
  const at = endpoint.lastIndexOf(':');
  return {
    host: endpoint.slice(0, at).replace(/^\[|\]$/g, ''),
    port: Number(endpoint.slice(at + 1)),
  };
}

/**
 * One HTTP exchange with one endpoint. Resolves `{status, headers, body}` (body a string); rejects
 * with an error whose `code` tells whether the request reached the instance (NOT_CONNECTED) or not.
 */
function exchange(endpoint, { method = 'GET', path = '/', body, headers = {}, timeoutMs = 5000 }) {
  const { host, port } = splitEndpoint(endpoint);
  const payload =
    body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const allHeaders = { ...headers };
  if (payload !== undefined) {
    allHeaders['content-length'] = Buffer.byteLength(payload);
    if (typeof body !== 'string' && !allHeaders['content-type'])
      allHeaders['content-type'] = 'application/json';
  }
  return new Promise((resolve, reject) => {
    let connected = false;
    const fail = (code, message) => {
      const error = new Error(`${method} http://${endpoint}${path}: ${message}`);
      error.code = code;
      request.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () =>
        connected
          ? fail('RESPONSE_TIMEOUT', `no answer within ${timeoutMs} ms`)
          : fail('CONNECT_TIMEOUT', `could not connect within ${timeoutMs} ms`),
      timeoutMs,
    );
    const request = http.request({ host, port, method, path, headers: allHeaders }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: response.statusCode,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      response.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    request.on('socket', (socket) => {
      if (!socket.connecting) connected = true;
      else socket.once('connect', () => (connected = true));
    });
    request.on('error', (error) => {
      clearTimeout(timer);
      if (!error.code) error.code = 'ECONNRESET';
      reject(error);
    });
    request.end(payload);
  });
}

/**
 * The current endpoints of the applications an application depends on, kept up to date from
 * FEDERA_DISCOVERY_URL. Emits `change` with `{app, before, after, version}` for each application
 * whose set changed, and `error` never (a failing discovery URL is retried with a growing pause,
 * the last good set kept meanwhile; `log` says so).
 */
class Discovery extends EventEmitter {
  /**
   * @param {string[]} dependencies the applications this one talks to (its `dependsOn`)
   * @param {{env?: NodeJS.ProcessEnv, log?: (line: string) => void, longPollMs?: number}} [options]
   */
  constructor(dependencies, options = {}) {
    super();
    const env = options.env || process.env;
    this.dependencies = [...dependencies];
    this.url = env.FEDERA_DISCOVERY_URL || undefined;
    this.log = options.log || ((line) => console.log(line));
    this.longPollMs = options.longPollMs || LONG_POLL_MS;
    /** The version of the set held, -1 while it comes from the environment only. */
    this.version = -1;
    this.sets = new Map(
      this.dependencies.map((app) => [app, parseEndpointList(env[variableName(app)])]),
    );
    this.next = new Map();
    this.stopped = false;
    this.poll = undefined;
  }

  /** Starts the background long-poll (when FEDERA_DISCOVERY_URL is set); resolves after the first answer or failure. */
  start() {
    if (!this.url || this.poll) return Promise.resolve();
    const first = this.refresh();
    this.poll = first.then(() => this.pollLoop());
    return first;
  }

  /** Stops the long-poll; requests still use the last set. */
  close() {
    this.stopped = true;
    if (this.pending) this.pending.destroy();
  }

  /** The `address:port` list of an application's serving instances, as last known. */
  endpoints(app) {
    return [...(this.sets.get(app) || [])];
  }

  /**
   * Sends a request to one instance of `app`, starting from the next one in turn, and tries the
   * others when an instance cannot be connected to (or, for GET and HEAD, when the exchange
   * breaks). When every instance fails so, it asks the discovery URL once for a newer set before
   * giving up with an error whose code is `NO_ENDPOINT` and whose message names the endpoints tried.
   * Resolves `{status, headers, body, endpoint}` (body a string, endpoint the one that answered).
   */
  async request(app, options = {}) {
    const method = (options.method || 'GET').toUpperCase();
    const retryable = (error) =>
      NOT_CONNECTED.has(error.code) ||
      ((method === 'GET' || method === 'HEAD') && BROKEN_EXCHANGE.has(error.code));
    const tried = [];
    for (let round = 0; round < 2; round++) {
      const endpoints = this.inTurn(app).filter((e) => !tried.includes(e));
      for (const endpoint of endpoints) {
        tried.push(endpoint);
        try {
          return { ...(await exchange(endpoint, { ...options, method })), endpoint };
        } catch (error) {
          if (!retryable(error)) throw error;
          this.lastFailure = error;
        }
      }
      if (round === 0 && this.url) await this.refresh();
    }
    const error = new Error(
      tried.length === 0
        ? `no endpoint of ${app} is known (${variableName(app)} empty, discovery has none)`
        : `no endpoint of ${app} answered (tried ${tried.join(', ')}): ${this.lastFailure?.message}`,
    );
    error.code = 'NO_ENDPOINT';
    throw error;
  }

  /** The application's endpoints, rotated so that successive requests spread over its instances. */
  inTurn(app) {
    const endpoints = this.sets.get(app) || [];
    if (endpoints.length === 0) return [];
    const start = (this.next.get(app) || 0) % endpoints.length;
    this.next.set(app, start + 1);
    return [...endpoints.slice(start), ...endpoints.slice(0, start)];
  }

  /** Asks the discovery URL for the current set (no wait) and adopts it when newer. */
  async refresh() {
    if (!this.url) return;
    try {
      await this.ask(`${this.url}`, 5000);
    } catch (error) {
      this.log(`discovery: ${this.url} did not answer (${error.message}); keeping the last set`);
    }
  }

  async pollLoop() {
    let pause = RETRY_MIN_MS;
    while (!this.stopped) {
      const separator = this.url.includes('?') ? '&' : '?';
      const url = `${this.url}${separator}waitForVersion=${this.version + 1}&timeoutMs=${this.longPollMs}`;
      const started = Date.now();
      try {
        const changed = await this.ask(url, this.longPollMs + 10_000);
        // A server answering at once with what we hold must not make us spin.
        if (!changed && Date.now() - started < 200) await sleep(RETRY_MIN_MS);
        pause = RETRY_MIN_MS;
      } catch (error) {
        if (this.stopped) return;
        // Full jitter: the workloads of a restarting agent must not all come back at once.
        const wait = Math.round(Math.random() * pause);
        this.log(
          `discovery: long-poll failed (${error.message}); again in ${wait} ms, keeping the last set`,
        );
        await sleep(wait);
        pause = Math.min(RETRY_MAX_MS, pause * 2);
      }
    }
  }

  /** One GET of the discovery URL; adopts a newer valid answer. Resolves whether the set changed. */
  ask(url, timeoutMs) {
    return new Promise((resolve, reject) => {
      const request = http.get(url, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          clearTimeout(timer);
          this.pending = undefined;
          // 204/304: the wait ended without a newer version.
          if (response.statusCode === 204 || response.statusCode === 304) return resolve(false);
          if (response.statusCode !== 200)
            return reject(new Error(`answered ${response.statusCode}`));
          let value;
          try {
            value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return reject(new Error('answered something that is not JSON'));
          }
          resolve(this.adopt(value));
        });
      });
      this.pending = request;
      const timer = setTimeout(
        () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  /** Takes a ServiceEndpoints value when it is valid and newer than the one held. */
  adopt(value) {
    const read = readServiceEndpoints(value);
    if (read.error) {
      this.log(`discovery: ignoring an answer: ${read.error}; keeping the last set`);
      return false;
    }
    if (read.version <= this.version) return false;
    this.version = read.version;
    // Version 0 with nothing in it is the agent saying it has no set yet (the bus has not
    // delivered one): the environment's set stays, and the next poll waits for version 1.
    if (read.version === 0 && read.byApp.size === 0) return false;
    let changed = false;
    for (const app of this.dependencies) {
      const before = this.sets.get(app) || [];
      const after = read.byApp.get(app) || [];
      if (before.length === after.length && before.every((e, i) => e === after[i])) continue;
      this.sets.set(app, after);
      changed = true;
      this.emit('change', { app, before, after, version: read.version });
    }
    return changed;
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

module.exports = { Discovery, variableName, parseEndpointList, readServiceEndpoints };
