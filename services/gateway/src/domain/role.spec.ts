import { isRole, requiredRole, roleSatisfies } from './role';

describe('roles', () => {
  it('lets a stronger role do what a weaker one may', () => {
    expect(roleSatisfies('admin', 'operator')).toBe(true);
    expect(roleSatisfies('operator', 'viewer')).toBe(true);
    expect(roleSatisfies('operator', 'operator')).toBe(true);
  });

  it('refuses a weaker role', () => {
    expect(roleSatisfies('viewer', 'operator')).toBe(false);
    expect(roleSatisfies('operator', 'admin')).toBe(false);
  });

  it('requires viewer for reads and operator for changes when a route declares nothing', () => {
    expect(requiredRole('GET', undefined)).toBe('viewer');
    expect(requiredRole('head', undefined)).toBe('viewer');
    expect(requiredRole('POST', undefined)).toBe('operator');
    expect(requiredRole('DELETE', undefined)).toBe('operator');
  });

  it('uses the role a route declares', () => {
    expect(requiredRole('GET', 'admin')).toBe('admin');
  });

  it('recognises only the three role names', () => {
    expect(isRole('operator')).toBe(true);
    expect(isRole('root')).toBe(false);
    expect(isRole(undefined)).toBe(false);
  });
});
