/**
 * InstanceRunning v1 could carry the endpoint as `host:port` text; v2 carries it structured
 * (`{ address, port }`), as discovery publishes it. Text that names no usable port is dropped: the
 * event stays readable, and the instance simply shows no endpoint.
 */
export function instanceRunningV1ToV2(data: Record<string, unknown>): Record<string, unknown> {
  const { endpoint, ...rest } = data;
  if (typeof endpoint !== 'string') return rest;
  const colon = endpoint.lastIndexOf(':');
  const address = endpoint.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(endpoint.slice(colon + 1));
  if (colon <= 0 || address === '' || !Number.isInteger(port) || port < 1 || port > 65535)
    return rest;
  return { ...rest, endpoint: { address, port } };
}
