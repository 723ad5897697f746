/** The dashboard's panels that show data fetched from the API, each refetched on its own. */
export type PanelName = 'hosts' | 'services' | 'instances' | 'migrations' | 'costs' | 'forecasts';

/**
 * Which panels an event of `type` makes stale. The feed names only an event's type and stream, so
 * the page refetches whole panels (debounced) rather than patching them from the event's data:
 * the API stays the one source of what each panel shows.
 */
export function panelsStaleAfter(type: string): PanelName[] {
  if (type.startsWith('Host')) return ['hosts'];
  if (type === 'InstanceMigrating' || type === 'InstanceRelocated')
    return ['instances', 'services', 'migrations', 'hosts'];
  if (type.startsWith('Instance')) return ['instances', 'services'];
  if (type.startsWith('Placement')) return ['instances', 'services'];
  if (type.startsWith('Migration')) return ['migrations', 'instances'];
  if (type.startsWith('Scaled') || type.startsWith('Service')) return ['services', 'instances'];
  if (type.startsWith('Budget') || type === 'UsageRecorded') return ['costs'];
  if (type === 'CapacityForecasted') return ['forecasts'];
  return [];
}

/** Every panel made stale by any of `types`, each once. */
export function panelsStaleAfterAll(types: Iterable<string>): Set<PanelName> {
  const stale = new Set<PanelName>();
  for (const type of types) for (const panel of panelsStaleAfter(type)) stale.add(panel);
  return stale;
}
