import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

type Directives = Record<string, string[] | null>;

/**
 * Pages (Swagger UI at /docs, a dashboard at /) load only the gateway's own scripts, styles, images
 * and fonts and call only its API. No `upgrade-insecure-requests`: a gateway on plain HTTP (the
 * default) would make browsers ask for every page's assets over HTTPS, where nothing answers.
 */
const pageDirectives: Directives = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'upgrade-insecure-requests': null,
};

const headers = (directives: Directives): RequestHandler =>
  helmet({
    contentSecurityPolicy: { useDefaults: false, directives },
    // Only the gateway's own pages may frame it; CSP's frame-ancestors says so to newer browsers.
    frameguard: { action: 'deny' },
  });

const apiHeaders = headers(pageDirectives);
/**
 * Swagger UI's page holds two `<style>` elements of its own (its scripts are files): only its
 * pages may use inline styles, and never inline scripts.
 */
const docsHeaders = headers({ ...pageDirectives, 'style-src': ["'self'", "'unsafe-inline'"] });

/**
 * helmet's security headers on every answer (CSP, `X-Content-Type-Options: nosniff`,
 * `Strict-Transport-Security`, `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`, ...), the
 * /docs pages with the one exception their HTML needs.
 */
export function securityHeaders(request: Request, response: Response, next: NextFunction): void {
  const handler =
    request.path === '/docs' || request.path.startsWith('/docs/') ? docsHeaders : apiHeaders;
  handler(request, response, next);
}
