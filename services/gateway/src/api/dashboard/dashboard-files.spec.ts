import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DashboardFiles } from './dashboard-files';

describe('the dashboard files the gateway serves', () => {
  let folder: string;
  let files: DashboardFiles;

  beforeAll(() => {
    // The build inside a folder that holds a file it must never serve.
    folder = join(mkdtempSync(join(tmpdir(), 'dashboard-')), 'gateway-ui');
    mkdirSync(folder);
    writeFileSync(join(folder, '..', 'package.json'), '{}');
    writeFileSync(join(folder, '..', 'main-ABCD1234.js'), 'outside()');
    writeFileSync(join(folder, 'index.html'), '<!doctype html>');
    writeFileSync(join(folder, 'main-ABCD1234.js'), 'render()');
    writeFileSync(join(folder, 'secret.txt'), 'no');
    files = new DashboardFiles(folder);
  });
  afterAll(() => rmSync(join(folder, '..'), { recursive: true, force: true }));

  it('serves the page to be asked for again each time', async () => {
    const page = await files.page();
    expect(page.contentType).toBe('text/html; charset=utf-8');
    expect(page.cacheControl).toBe('no-cache');
  });

  it('serves a hashed asset as cacheable for a year', async () => {
    const asset = await files.asset('main-ABCD1234.js');
    expect(asset?.body.toString()).toBe('render()');
    expect(asset?.contentType).toBe('text/javascript; charset=utf-8');
    expect(asset?.cacheControl).toContain('immutable');
  });

  it('serves no file whose name is not a built asset', async () => {
    expect(await files.asset('secret.txt')).toBeUndefined();
    expect(await files.asset('..%2Fpackage.json')).toBeUndefined();
    // What the route hands over once Express has decoded `..%2Fpackage.json`.
    expect(await files.asset('../package.json')).toBeUndefined();
    expect(await files.asset('../main-ABCD1234.js')).toBeUndefined();
    expect(await files.asset('main-ZZZZ9999.js')).toBeUndefined();
  });

  it('knows whether the build has run', () => {
    expect(files.built()).toBe(true);
    expect(new DashboardFiles(join(folder, 'missing')).built()).toBe(false);
  });

  it('finds the build under dist/ of the checkout by default', () => {
    expect(new DashboardFiles().directory).toMatch(/dist[/\\]gateway-ui$/);
  });
});
