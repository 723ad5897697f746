/** One service as statistics keeps it (statistics.services): its budget and applications. */
export interface ServiceRecord {
  name: string;
  revision: number;
  /** The spec's budget.maxCostPerHour; null when it sets none. */
  maxCostPerHour: number | null;
  applications: string[];
  definedAt: string;
  deletedAt: string | null;
  position: number;
}

/** The spec fields the catalogue reads (a ServiceSpec as ServiceDefined carries it). */
export interface CatalogueSpec {
  spec: { applications: { name: string }[]; budget?: { maxCostPerHour: number } };
}

export type ServiceCatalogueEvent =
  | {
      type: 'ServiceDefined' | 'ServiceUpdated' | 'ServiceCopied';
      data: { service: string; revision: number; spec: CatalogueSpec };
    }
  | { type: 'ServiceDeleted'; data: { service: string } };

export const serviceCatalogueEventTypes: readonly ServiceCatalogueEvent['type'][] = [
  'ServiceDefined',
  'ServiceUpdated',
  'ServiceCopied',
  'ServiceDeleted',
];

/**
 * The service's record after one event of its stream. A definition (again, after a deletion: the
 * name is reused) takes the spec's budget and applications; a deletion keeps the record, marked.
 */
export function evolveServiceRecord(
  record: ServiceRecord | undefined,
  event: ServiceCatalogueEvent,
  at: string,
  position: number,
): ServiceRecord | undefined {
  if (event.type === 'ServiceDeleted') {
    return record && !record.deletedAt ? { ...record, deletedAt: at, position } : record;
  }
  const { service, revision, spec } = event.data;
  const redefined = event.type !== 'ServiceUpdated' || !record || record.deletedAt !== null;
  return {
    name: service,
    revision,
    maxCostPerHour: spec.spec.budget?.maxCostPerHour ?? null,
    applications: spec.spec.applications.map((app) => app.name),
    definedAt: redefined || !record ? at : record.definedAt,
    deletedAt: null,
    position,
  };
}
