import { ErrorCodes, FederaError } from '@federa/contracts';
import { register } from 'prom-client';
import { commandLabel, commandOutcome, countCommand } from './command-metrics';

describe('command metrics', () => {
  it('reads a reply without an error as ok', () => {
    expect(commandOutcome(undefined)).toBe('ok');
    expect(commandOutcome(null)).toBe('ok');
  });

  it('reads a refusal the caller can act on as refused', () => {
    expect(commandOutcome(new FederaError(ErrorCodes.validation, 'bad'))).toBe('refused');
    expect(commandOutcome(new FederaError(ErrorCodes.notFound, 'no such host'))).toBe('refused');
    expect(commandOutcome(new FederaError(ErrorCodes.conflict, 'stale'))).toBe('refused');
  });

  it('reads a failure of the service or of one it needs as error', () => {
    expect(commandOutcome(new FederaError(ErrorCodes.internal, 'bug'))).toBe('error');
    expect(commandOutcome(new FederaError(ErrorCodes.unavailable, 'no db'))).toBe('error');
    expect(commandOutcome(new Error('thrown'))).toBe('error');
  });

  it("names a command by its pattern within the service's own command space", () => {
    expect(commandLabel('inventory', 'cmd.inventory.cordon')).toBe('cordon');
    expect(commandLabel('inventory', 'inventory.register.*')).toBe('inventory.register.*');
  });

  it('does not count health pings as commands', () => {
    expect(commandLabel('inventory', 'health.inventory')).toBeUndefined();
  });

  it('counts each answered command under its service, command and outcome', async () => {
    countCommand('placement', 'cmd.placement.plan', 'ok');
    countCommand('placement', 'cmd.placement.plan', 'ok');
    countCommand('placement', 'cmd.placement.plan', 'refused');
    countCommand('placement', 'health.placement', 'ok');
    const text = await register.getSingleMetricAsString('federa_commands_total');
    expect(text).toContain(
      'federa_commands_total{service="placement",command="plan",outcome="ok"} 2',
    );
    expect(text).toContain(
      'federa_commands_total{service="placement",command="plan",outcome="refused"} 1',
    );
    expect(text).not.toContain('health');
  });
});
