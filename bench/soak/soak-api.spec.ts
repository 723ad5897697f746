import { routeOf } from './soak-api';

describe('routeOf', () => {
  it('folds the id of a resource and drops the query, so that calls group by route', () => {
    expect(routeOf('/v1/hosts/sim-0001/drain')).toBe('/v1/hosts/{id}/drain');
    expect(routeOf('/v1/instances?service=soak-0001&limit=100')).toBe('/v1/instances');
    expect(routeOf('/v1/services/soak-0002')).toBe('/v1/services/{id}');
  });
});
