import {
  evolveServiceRecord,
  type ServiceCatalogueEvent,
  type ServiceRecord,
} from './service-record';

const spec = (apps: string[], maxCostPerHour?: number) => ({
  spec: {
    applications: apps.map((name) => ({ name })),
    ...(maxCostPerHour === undefined ? {} : { budget: { maxCostPerHour } }),
  },
});

function fold(events: ServiceCatalogueEvent[]): ServiceRecord | undefined {
  return events.reduce<ServiceRecord | undefined>(
    (record, event, i) => evolveServiceRecord(record, event, `t${i + 1}`, i + 1),
    undefined,
  );
}

describe('evolveServiceRecord', () => {
  it('records a defined service with its budget and applications', () => {
    expect(
      fold([
        {
          type: 'ServiceDefined',
          data: { service: 'shop', revision: 1, spec: spec(['web', 'db'], 2.5) },
        },
      ]),
    ).toEqual({
      name: 'shop',
      revision: 1,
      maxCostPerHour: 2.5,
      applications: ['web', 'db'],
      definedAt: 't1',
      deletedAt: null,
      position: 1,
    });
  });

  it('takes an update’s budget and applications, keeping when the service was defined', () => {
    const record = fold([
      { type: 'ServiceDefined', data: { service: 'shop', revision: 1, spec: spec(['web'], 2.5) } },
      {
        type: 'ServiceUpdated',
        data: { service: 'shop', revision: 2, spec: spec(['web', 'cache']) },
      },
    ]);
    expect(record).toMatchObject({
      revision: 2,
      maxCostPerHour: null,
      applications: ['web', 'cache'],
      definedAt: 't1',
    });
  });

  it('marks a deleted service and defines it afresh when its name is used again', () => {
    const deleted = fold([
      { type: 'ServiceDefined', data: { service: 'shop', revision: 1, spec: spec(['web']) } },
      { type: 'ServiceDeleted', data: { service: 'shop' } },
    ]);
    expect(deleted?.deletedAt).toBe('t2');
    const again = fold([
      { type: 'ServiceDefined', data: { service: 'shop', revision: 1, spec: spec(['web']) } },
      { type: 'ServiceDeleted', data: { service: 'shop' } },
      { type: 'ServiceCopied', data: { service: 'shop', revision: 1, spec: spec(['api']) } },
    ]);
    expect(again).toMatchObject({ deletedAt: null, definedAt: 't3', applications: ['api'] });
  });

  it('ignores the deletion of a service it never saw defined', () => {
    expect(fold([{ type: 'ServiceDeleted', data: { service: 'shop' } }])).toBeUndefined();
  });
});
