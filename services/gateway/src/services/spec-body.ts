import { ValidationFailed } from '@federa/contracts';
import type { Request } from 'express';
import { parseDocument } from 'yaml';

const limitBytes = 1024 * 1024;

/**
 * The spec in a `PUT /v1/services/{name}` body: JSON (already parsed by the JSON middleware) or YAML
 * (any other content type, read here). Syntax errors are refused with their line and column.
 */
export async function readSpecBody(request: Request): Promise<unknown> {
  if (
    request.body !== undefined &&
    !(
      typeof request.body === 'object' &&
      Object.keys(request.body).length === 0 &&
      !request.readable
    )
  ) {
    return request.body;
  }
  const text = await readText(request);
  if (text.trim() === '')
    throw new ValidationFailed(
      [{ path: '', reason: 'the body must hold a service spec (YAML or JSON)' }],
      'request body',
    );
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ValidationFailed(
      doc.errors.map((e) => ({
        path: '',
        reason: `YAML syntax error: ${e.message.split('\n')[0]}`,
      })),
      'request body',
    );
  }
  return doc.toJS();
}

async function readText(request: Request): Promise<string> {
  if (!request.readable) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limitBytes)
      throw new ValidationFailed(
        [{ path: '', reason: 'request body is larger than 1mb' }],
        'request body',
      );
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
