import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// docs/reference/rest-api.md is where users look a route up: every route the gateway serves must be
// on it, written `METHOD /path/{param}`.

const root = resolve(__dirname, '..');
const gatewaySource = join(root, 'services', 'gateway', 'src');
const page = readFileSync(join(root, 'docs', 'reference', 'rest-api.md'), 'utf8');

/** A controller class or one of its handler methods, whatever it takes. */
type Handler = (abstract new (...args: never[]) => object) | ((...args: never[]) => unknown);

function controllerClasses(): Handler[] {
  return (readdirSync(gatewaySource, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.controller.ts'))
    .flatMap((file) => Object.values(require(join(gatewaySource, file)) as Record<string, unknown>))
    .filter(
      (value): value is Handler =>
        typeof value === 'function' && Reflect.hasMetadata(PATH_METADATA, value),
    );
}

/** `GET /v1/hosts/{id}` for every handler of every controller. */
function routes(): string[] {
  return controllerClasses().flatMap((controller) => {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller));
    const prototype = controller.prototype as Record<string, Handler>;
    return Object.getOwnPropertyNames(prototype)
      .map((name) => prototype[name])
      .filter((handler) => Reflect.hasMetadata(METHOD_METADATA, handler))
      .map((handler) => {
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const path = [base, String(Reflect.getMetadata(PATH_METADATA, handler))]
          .filter((part) => part !== '' && part !== '/')
          .join('/')
          .replace(/:(\w+)/g, '{$1}');
        return `${method} /${path}`;
      });
  });
}

describe('the REST API reference', () => {
  it('names every route the gateway serves', () => {
    const served = routes();
    expect(served.length).toBeGreaterThan(0);
    expect(served.filter((route) => !page.includes(`\`${route}`))).toEqual([]);
  });
});
