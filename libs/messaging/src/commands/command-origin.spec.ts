import { ValidationFailed } from '@federa/contracts';
import { headers } from 'nats';
import { commandOriginHeaders, commandOriginOf } from './command-origin';

function withHeaders(values: Record<string, string>) {
  const h = headers();
  for (const [name, value] of Object.entries(values)) h.set(name, value);
  return h;
}

describe('command origin', () => {
  it('reads back the actor and role the sender put in headers', () => {
    const sent = commandOriginHeaders({ actor: 'token:alice', actorRole: 'operator' });
    expect(commandOriginOf(sent)).toEqual({ actor: 'token:alice', actorRole: 'operator' });
  });

  it('is none for a command without an actor header', () => {
    expect(commandOriginOf(undefined)).toBeUndefined();
    expect(commandOriginOf(headers())).toBeUndefined();
  });

  it('refuses a malformed actor header, naming it', () => {
    expect(() => commandOriginOf(withHeaders({ 'Federa-Actor': 'token:a b' }))).toThrow(
      ValidationFailed,
    );
    expect(() => commandOriginOf(withHeaders({ 'Federa-Actor': 'x'.repeat(200) }))).toThrow(
      /Federa-Actor header/,
    );
  });

  it('refuses a role that is none, or a role without an actor, naming the header', () => {
    expect(() =>
      commandOriginOf(withHeaders({ 'Federa-Actor': 'token:bob', 'Federa-Actor-Role': 'root' })),
    ).toThrow(/Federa-Actor-Role header/);
    expect(() => commandOriginOf(withHeaders({ 'Federa-Actor-Role': 'admin' }))).toThrow(
      /Federa-Actor-Role header/,
    );
  });
});
