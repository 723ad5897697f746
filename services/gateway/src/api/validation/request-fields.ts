import { ValidationFailed, validateCommand, type CommandName } from '@federa/contracts';

/**
 * The fields of a small action body (`{ "reason": ... }`, `{ "as": ... }`) for a command payload: no
 * body is no fields; a body that is not an object, or holds a key outside `allowed`, is refused by name
 * rather than silently dropped.
 */
export function bodyFields(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationFailed([{ path: '', reason: 'must be an object' }], 'request body');
  }
  const unknownKeys = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknownKeys.length > 0) {
    throw new ValidationFailed(
      unknownKeys.map((path) => ({ path, reason: 'unknown key' })),
      'request body',
    );
  }
  return definedFields(body as Record<string, unknown>);
}

/**
 * A list route's query string as its command payload: every parameter kept (the command refuses
 * unknown ones by name) and `limit` turned into the number the command validates.
 */
export function listQueryFields(query: Record<string, unknown>): Record<string, unknown> {
  const { limit, ...rest } = query;
  return definedFields({ ...rest, limit: typeof limit === 'string' ? Number(limit) : limit });
}

/** How many accepted list queries are remembered before the memory starts over. */
const rememberedQueries = 1024;
const acceptedQueries = new Set<string>();

/**
 * `listQueryFields`, checked against the command's contract as `sendCommand` would (a refusal names
 * each field), but each distinct query once: clients repeat the same few queries, and checking
 * each again cost ~0.1 ms of CPU per page request on a loaded machine (class-validator).
 */
export function checkedListQuery(
  name: CommandName,
  query: Record<string, unknown>,
): Record<string, unknown> {
  const fields = listQueryFields(query);
  const key = `${name} ${JSON.stringify(fields)}`;
  if (acceptedQueries.has(key)) return fields;
  const checked = validateCommand(name, fields);
  if (!checked.ok) throw new ValidationFailed(checked.errors, 'request');
  if (acceptedQueries.size >= rememberedQueries) acceptedQueries.clear();
  acceptedQueries.add(key);
  return fields;
}

function definedFields(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
