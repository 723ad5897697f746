/** Stream categories: the part of a stream id before its first dash, and the NATS subject's stream type. */
export const StreamCategories = [
  'host',
  'service',
  'instance',
  'migration',
  'statistics',
  'budget',
  'forecast',
  'allocation',
] as const;
export type StreamCategory = (typeof StreamCategories)[number];

/** Stream ids are `category-id` (docs/reference/events.md); build them only here. */
export const streamIds = {
  host: (host: string): string => `host-${host}`,
  service: (name: string): string => `service-${name}`,
  instance: (instance: string): string => `instance-${instance}`,
  migration: (migration: string): string => `migration-${migration}`,
  /** Placement's capacity ledger of one host. */
  allocation: (host: string): string => `allocation-${host}`,
  /** Usage of one instance. */
  statistics: (instance: string): string => `statistics-${instance}`,
  /**
   * Budget breaches of one service (a category of its own: under `statistics-` a service's name could
   * spell an instance's id).
   */
  budget: (service: string): string => `budget-${service}`,
  /** Forecasts of one scope (`forecast-fleet`, `forecast-site-geneva`, …): scopes hold no dash. */
  forecast: (scope: string, subject?: string): string =>
    `forecast-${scope}${subject ? `-${subject}` : ''}`,
};

/** `instance-shop-web-1` → `{ category: 'instance', id: 'shop-web-1' }`. */
export function parseStreamId(streamId: string): { category: string; id: string } {
  const dash = streamId.indexOf('-');
  if (dash <= 0 || dash === streamId.length - 1)
    throw new Error(`not a stream id: ${JSON.stringify(streamId)}`);
  return { category: streamId.slice(0, dash), id: streamId.slice(dash + 1) };
}
