import type { AgentCommandAccepted } from '@federa/contracts';
import { isLive } from '../domain/instance-states';
import type { InstanceEntry } from '../instances/instance-table';
import { httpGet } from '../layers/process/local-probes';

/** A probe-http command's timeout when it names none. */
export const DEFAULT_PROBE_HTTP_TIMEOUT_MS = 2000;

/** How much of a failing answer's body the outcome quotes: enough for the app's own reason. */
const QUOTED_BODY_CHARS = 160;

type HttpGet = typeof httpGet;

/**
 * GETs `path` on the instance from this host (the service's end-to-end probe): passed on a status
 * from 200 to 399, failed with why otherwise. The instance listens on the port its layer gave it
 * (`listening`, its endpoint's port; else the handle's `port`, the PORT of the process layer),
 * reachable on this host's loopback whatever the network between the control plane and the host;
 * an instance whose port the agent does not know fails saying so, and so does one that is not live
 * (stopped, failed, stopping): whatever answers on its old port now is not it. A failing answer is
 * quoted by its JSON `error`, else by its first line.
 */
export async function probeHttp(
  entry: InstanceEntry,
  path: string,
  timeoutMs = DEFAULT_PROBE_HTTP_TIMEOUT_MS,
  listening: number | undefined = undefined,
  get: HttpGet = httpGet,
): Promise<NonNullable<AgentCommandAccepted['probe']>> {
  const state = entry.state;
  if (!isLive(state)) {
    return { healthy: false, detail: `instance ${entry.spec.instance} is ${state}`, state };
  }
  const port = listening ?? entry.handle.port;
  if (typeof port !== 'number') {
    return {
      healthy: false,
      detail: `the agent does not know where instance ${entry.spec.instance} listens`,
      state,
    };
  }
  try {
    const answer = await get(port, path, timeoutMs);
    if (answer.status >= 200 && answer.status < 400) return { healthy: true, state };
    const said = whatItSaid(answer.body);
    return {
      healthy: false,
      detail: `GET ${path} answered ${answer.status}${said ? `: ${said}` : ''}`,
      state,
    };
  } catch (error) {
    return { healthy: false, detail: `GET ${path} failed: ${(error as Error).message}`, state };
  }
}

/** The app's reason: a JSON answer's `error` string, else the body's first line; cut short. */
function whatItSaid(body: string): string {
  const line = jsonError(body) ?? body.trim().split('\n', 1)[0] ?? '';
  return line.length > QUOTED_BODY_CHARS ? `${line.slice(0, QUOTED_BODY_CHARS)}…` : line;
}

function jsonError(body: string): string | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const value = JSON.parse(body) as { error?: unknown };
    return typeof value.error === 'string' ? value.error : undefined;
  } catch {
    return undefined;
  }
}
