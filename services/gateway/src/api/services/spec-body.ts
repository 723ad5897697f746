import { parseServiceSpec, ValidationFailed } from '@federa/contracts';
import type { Request } from 'express';
import {
  bodyLimitDefaultBytes,
  bodyTooLarge,
  type RequestWithBodyLimit,
} from '../validation/body-limit';

/**
 * The spec in a `PUT /v1/services/{name}` body: JSON (already parsed by the JSON middleware) or YAML
 * (any other content type, read here), through the one spec parser. Syntax errors are refused here
 * with their line and column, and so is a body past a limit of the spec (size, nesting, YAML
 * aliases: SpecLimits). A spec that does not validate goes on as written: the command's own
 * validation lists its errors together with the request's (a name that differs from the path's).
 */
export async function readSpecBody(request: Request): Promise<unknown> {
  const source = hasParsedBody(request) ? request.body : await readText(request);
  if (typeof source === 'string' && source.trim() === '')
    throw new ValidationFailed(
      [{ path: '', reason: 'the body must hold a service spec (YAML or JSON)' }],
      'request body',
    );
  const parsed = parseServiceSpec(source);
  if (parsed.ok) return parsed.value.spec;
  if (parsed.stage === 'syntax') throw new ValidationFailed(parsed.errors, 'request body');
  return parsed.document;
}

/** A body the JSON middleware parsed; an empty object over a consumed stream counts as none. */
function hasParsedBody(request: Request): boolean {
  return (
    request.body !== undefined &&
    !(
      typeof request.body === 'object' &&
      Object.keys(request.body).length === 0 &&
      !request.readable
    )
  );
}

/** The body as text, within the body limit the JSON middleware holds to (413 past it). */
async function readText(request: Request & RequestWithBodyLimit): Promise<string> {
  if (!request.readable) return '';
  const limitBytes = request.bodyLimitBytes ?? bodyLimitDefaultBytes;
  const declared = Number(request.headers['content-length']);
  if (declared > limitBytes) throw bodyTooLarge(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw bodyTooLarge(limitBytes);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
