import { explanationLines, formatCostPerHour } from './placement-explanation';

describe('explanationLines', () => {
  it('names the chosen host, its score and cost, the hosts rejected by filter and every candidate with its scorers', () => {
    const lines = explanationLines({
      outcome: 'placed',
      host: 'geneva-1',
      scores: { total: 0.81, byScorer: { cost: 1, binpack: 0.4 } },
      costPerHour: 0.004326,
      hostsConsidered: 4,
      rejected: [{ filter: 'anti-affinity', hosts: 2, detail: '2 hosts already run web' }],
      candidates: [
        {
          host: 'geneva-1',
          total: 0.81,
          costPerHour: 0.004326,
          byScorer: { cost: 1, binpack: 0.4 },
        },
        {
          host: 'basel-2',
          total: 0.52,
          costPerHour: 0.0061,
          byScorer: { cost: 0.7, binpack: 0.1 },
        },
      ],
      message: 'placed on geneva-1',
    });
    expect(lines[0]).toBe('Placed on geneva-1 (score 0.81, 0.00433/h, 4 hosts considered)');
    expect(lines[1]).toBe('Rejected hosts:');
    expect(lines[2]).toBe('  2 by anti-affinity: 2 hosts already run web');
    expect(lines[3]).toBe('Candidates (best first):');
    expect(lines[4]).toMatch(/^ {2}HOST\s+TOTAL\s+COST\/H\s+COST\s+BINPACK$/);
    expect(lines[5]).toMatch(/^ {2}geneva-1\s+0\.81\s+0\.00433\/h\s+1\s+0\.4$/);
    expect(lines[6]).toMatch(/^ {2}basel-2\s+0\.52\s+0\.0061\/h\s+0\.7\s+0\.1$/);
  });

  it('says why nothing was placed, with the count of hosts each filter rejected', () => {
    const lines = explanationLines({
      outcome: 'failed',
      host: null,
      scores: null,
      costPerHour: null,
      hostsConsidered: 5,
      rejected: [
        { filter: 'free-resources', hosts: 3 },
        { filter: 'security-level', hosts: 2 },
      ],
      candidates: [],
      message: 'no host fits',
    });
    expect(lines).toEqual([
      'Not placed: no host fits (5 hosts considered)',
      'Rejected hosts:',
      '  3 by free-resources',
      '  2 by security-level',
    ]);
  });

  it('prints a missing cost as a dash', () => {
    expect(formatCostPerHour(null)).toBe('-');
    expect(formatCostPerHour(1.23456)).toBe('1.23/h');
  });
});
