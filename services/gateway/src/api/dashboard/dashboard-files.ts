import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** A file of the built dashboard, ready to send. */
export interface DashboardFile {
  body: Buffer;
  contentType: string;
  /** Hashed assets never change under their name; the page itself is asked for again each time. */
  cacheControl: string;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** What the build names an asset: `main-<HASH>.js`, `main-<HASH>.css`, their maps. */
const assetName = /^[A-Za-z0-9_-]+-[A-Z0-9]{8}\.(js|css)(\.map)?$/;
const immutable = 'public, max-age=31536000, immutable';

/**
 * The dashboard as `npm run build` leaves it in `dist/gateway-ui` of the checkout or image (found
 * from the nearest package.json up from this file, so that the gateway run from source or from
 * dist/ serves the same build).
 */
export class DashboardFiles {
  constructor(readonly directory: string = defaultDirectory(__dirname)) {}

  /** Whether the build has run: without it, `/` says how to build rather than 404. */
  built(): boolean {
    return existsSync(join(this.directory, 'index.html'));
  }

  page(): Promise<DashboardFile> {
    return this.read('index.html', 'no-cache');
  }

  /** An asset by its hashed name, or undefined for any other name (no path ever leaves the folder). */
  async asset(name: string): Promise<DashboardFile | undefined> {
    if (!assetName.test(name)) return undefined;
    try {
      return await this.read(name, immutable);
    } catch {
      return undefined;
    }
  }

  private async read(name: string, cacheControl: string): Promise<DashboardFile> {
    const extension = name.slice(name.lastIndexOf('.'));
    return {
      body: await readFile(join(this.directory, name)),
      contentType: contentTypes[extension] ?? 'application/octet-stream',
      cacheControl,
    };
  }
}

function defaultDirectory(from: string): string {
  let folder = from;
  while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder)
    folder = dirname(folder);
  return join(folder, 'dist', 'gateway-ui');
}
