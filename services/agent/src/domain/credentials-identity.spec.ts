import { busIdentity } from '@federa/contracts';
import { credentialsIdentityProblem } from './credentials-identity';

describe('credentialsIdentityProblem', () => {
  it("accepts the config host's agent seed", () => {
    expect(credentialsIdentityProblem(busIdentity('agent', 'h2'), 'h2', false)).toBeUndefined();
  });

  it("refuses another host's agent seed, naming both hosts", () => {
    expect(credentialsIdentityProblem(busIdentity('agent', 'h1'), 'h2', false)).toBe(
      "the seed is agent:h1's, the config's host is h2 (federa credentials issue agent h2)",
    );
  });

  it("refuses a service's or a simulator's seed for a real agent", () => {
    expect(credentialsIdentityProblem(busIdentity('service', 'inventory'), 'h2', false)).toMatch(
      /service:inventory's/,
    );
    expect(credentialsIdentityProblem(busIdentity('simulator', 'load'), 'h2', false)).toMatch(
      /simulator:load's/,
    );
  });

  it('accepts any simulator seed with --simulate and refuses an agent seed there', () => {
    expect(
      credentialsIdentityProblem(busIdentity('simulator', 'load'), 'h2', true),
    ).toBeUndefined();
    expect(credentialsIdentityProblem(busIdentity('agent', 'h2'), 'h2', true)).toMatch(
      /--simulate needs a simulator's/,
    );
  });

  it('cannot check a file that names no identity, and lets it pass', () => {
    expect(credentialsIdentityProblem(undefined, 'h2', false)).toBeUndefined();
  });
});
