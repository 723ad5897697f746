import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The CLI starts light: `federa --help` loads no backend client, and the services' index.ts that
 * `federa up` imports load no Nest (docs/DEVELOPING.md, "One layout for every service"). Each probe
 * runs the TypeScript sources in a fresh node, so that nothing another test loaded counts.
 */
const root = join(__dirname, '..');
const heavy = ['@nestjs/common', '@nestjs/core', 'nats', 'pg', 'typeorm'];

/** The packages a node process loaded running `args` with the repository's TypeScript hook. */
function packagesLoadedBy(args: string[]): string[] {
  const run = spawnSync(
    process.execPath,
    ['-r', './bench/typescript-require-hook.js', '-r', './test/loaded-packages.js', ...args],
    { cwd: root, encoding: 'utf8' },
  );
  const line = /^loaded-packages: (.*)$/m.exec(run.stderr);
  if (!line)
    throw new Error(`the probe printed no package list (exit ${run.status}):\n${run.stderr}`);
  return JSON.parse(line[1]) as string[];
}

function requiring(entry: string): string[] {
  return ['-e', `require('reflect-metadata'); require('./${entry}');`];
}

describe('what the CLI loads', () => {
  it('loads neither Nest nor a NATS, Postgres or TypeORM client for federa --help', () => {
    const loaded = packagesLoadedBy(['cli/src/main.ts', '--help']);
    expect(loaded).toContain('commander');
    expect(loaded.filter((name) => heavy.includes(name))).toEqual([]);
  });

  it.each(['gateway', 'placement', 'agent'])(
    "loads no Nest through the %s's index.ts, which federa up imports",
    (service) => {
      const loaded = packagesLoadedBy(requiring(`services/${service}/src`));
      expect(loaded).toContain('reflect-metadata');
      expect(loaded.filter((name) => name.startsWith('@nestjs/'))).toEqual([]);
    },
  );
});
