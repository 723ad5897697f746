import { FederaError, ValidationFailed } from '@federa/contracts';
import { GatewayUnreachable } from './api-client';
import { errorLines } from './report-error';

describe('error lines', () => {
  it('prints the code, the message and one line per field error', () => {
    const error = new FederaError('validation_failed', 'invalid spec', [
      { path: 'spec.replicas.min', reason: 'must be an integer' },
      { path: '', reason: 'must be an object' },
    ]);
    expect(errorLines(error)).toEqual([
      'error: validation_failed: invalid spec',
      '  - spec.replicas.min: must be an integer',
      '  - (root): must be an object',
    ]);
  });

  it('prints details that are not field errors as JSON', () => {
    const error = new FederaError('unavailable', 'not ready', [{ dependency: 'nats' }]);
    expect(errorLines(error)[1]).toBe('  - {"dependency":"nats"}');
  });

  it('reports a validation failure found before sending', () => {
    const lines = errorLines(
      new ValidationFailed([{ path: 'role', reason: 'must be one of viewer' }]),
    );
    expect(lines[0]).toMatch(/^error: validation_failed: /);
    expect(lines[1]).toBe('  - role: must be one of viewer');
  });

  it('tells the user to run federa up when the gateway cannot be reached', () => {
    const lines = errorLines(
      new GatewayUnreachable('http://127.0.0.1:1', new Error('fetch failed')),
    );
    expect(lines[0]).toContain('cannot reach the Federa API at http://127.0.0.1:1');
    expect(lines[1]).toContain('federa up');
  });
});
