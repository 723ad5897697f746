import { scopeLabel, secondsUntilRunOut } from './capacity-runout-metrics';

describe('capacity run-out metric', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  it('is the seconds left until the forecast run-out', () => {
    expect(secondsUntilRunOut(new Date('2026-03-02T12:00:00Z'), now)).toBe(86_400);
  });

  it('is zero once the run-out has passed: demand already fills capacity', () => {
    expect(secondsUntilRunOut(new Date('2026-03-01T11:00:00Z'), now)).toBe(0);
  });

  it('names the fleet and each site apart', () => {
    expect(scopeLabel({ scope: 'fleet', subject: '' })).toBe('fleet');
    expect(scopeLabel({ scope: 'site', subject: 'eu1' })).toBe('site:eu1');
  });
});
