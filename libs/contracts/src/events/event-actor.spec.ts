import {
  actorErrors,
  actorRoleErrors,
  causedMetadata,
  commandMetadata,
  internalMetadata,
  tokenActor,
} from './event-actor';

describe('event actors', () => {
  it('names an API token as token:<name>', () => {
    expect(tokenActor('alice')).toBe('token:alice');
  });

  it('accepts tokens, agents and services as actors', () => {
    for (const actor of [
      'token:alice',
      'token:ci.pipeline_2',
      'agent:mph-1',
      'supervision',
      'inventory:liveness',
    ])
      expect(actorErrors(actor, 'actor')).toEqual([]);
  });

  it('refuses an actor that is empty, too long or outside the charset, naming where it came from', () => {
    for (const bad of [
      '',
      'Token:alice',
      'token:',
      'token:a b',
      'token:a\nb',
      'a:b:c',
      'x'.repeat(129),
      42,
    ])
      expect(actorErrors(bad, 'Federa-Actor header')).toEqual([
        expect.objectContaining({ path: 'Federa-Actor header' }),
      ]);
  });

  it('accepts the API roles only as an actor role', () => {
    expect(actorRoleErrors('operator', 'role')).toEqual([]);
    expect(actorRoleErrors('root', 'role')).toEqual([
      { path: 'role', reason: 'must be one of viewer, operator, admin' },
    ]);
  });

  it('writes the command origin as actor and the deciding service as decidedBy', () => {
    expect(
      commandMetadata({ actor: 'token:alice', actorRole: 'operator' }, 'supervision', 'c-1'),
    ).toEqual({
      correlationId: 'c-1',
      actor: 'token:alice',
      actorRole: 'operator',
      decidedBy: 'supervision',
    });
  });

  it('attributes a command nobody vouches for to the deciding service', () => {
    expect(commandMetadata(undefined, 'inventory', 'c-1')).toEqual({
      correlationId: 'c-1',
      actor: 'inventory',
      decidedBy: 'inventory',
    });
  });

  it("carries a cause's actor and role forward, caused by its event, in its correlation", () => {
    const cause = {
      eventId: 'e-1',
      metadata: { correlationId: 'c-1', actor: 'token:alice', actorRole: 'operator' },
    };
    expect(causedMetadata(cause, 'placement')).toEqual({
      correlationId: 'c-1',
      causationId: 'e-1',
      actor: 'token:alice',
      actorRole: 'operator',
      decidedBy: 'placement',
    });
  });

  it('carries the cause trace context on, and writes none when the cause had none', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const traced = { eventId: 'e-3', metadata: { correlationId: 'c-3', actor: 'a', traceparent } };
    expect(causedMetadata(traced, 'placement').traceparent).toBe(traceparent);
    const untraced = { eventId: 'e-4', metadata: { correlationId: 'c-4', actor: 'a' } };
    expect(causedMetadata(untraced, 'placement')).not.toHaveProperty('traceparent');
  });

  it('writes no role when the cause had none', () => {
    const cause = { eventId: 'e-2', metadata: { correlationId: 'c-2', actor: 'supervision' } };
    expect(causedMetadata(cause, 'placement')).not.toHaveProperty('actorRole');
  });

  it('names the service as actor and decider of its own decision, and the event that prompted it', () => {
    expect(internalMetadata('supervision', 'c-3', { eventId: 'e-3' })).toEqual({
      correlationId: 'c-3',
      causationId: 'e-3',
      actor: 'supervision',
      decidedBy: 'supervision',
    });
    expect(internalMetadata('inventory', 'c-4')).not.toHaveProperty('causationId');
  });
});
