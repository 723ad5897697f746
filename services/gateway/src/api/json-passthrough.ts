import type { Response } from 'express';

/**
 * Answers 200 with JSON text a service already encoded (a list page as it came over NATS): the
 * gateway would only decode and encode it again, the largest cost of a list request it serves.
 * Errors never come this way; they are thrown and answered by the error filter.
 */
export function sendJsonText(response: Response, json: Uint8Array): void {
  response.statusCode = 200;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', json.length);
  response.end(json);
}
