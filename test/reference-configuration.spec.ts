import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { itWhen } from '@federa/testing';

// Users configure Federa from docs/reference/configuration.md alone: a FEDERA_* variable the code
// reads but the page does not name is a setting nobody can find.

const root = resolve(__dirname, '..');
const page = 'docs/reference/configuration.md';

/** FEDERA_* names in the code that are not settings, each with why. */
const notSettings: Record<string, string> = {
  FEDERA_EVENTS: 'the JetStream stream of the default prefix, named on the events page',
  FEDERA_VIRSH_URI:
    "passed by the libvirt layer to its own virsh child, never read from the user's",
};

/** Where variables are read: the shipped code, not its tests or benchmarks. */
function shippedSources(): string[] {
  return execFileSync('git', ['ls-files', '-z', 'libs', 'services', 'cli', 'examples'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => /\.(ts|js)$/.test(file) && !/\.spec\.ts$|\/testing\//.test(file))
    .filter((file) => existsSync(join(root, file)));
}

const notAGitCheckout = existsSync(join(root, '.git')) ? undefined : 'not a git checkout';

describe('the configuration reference', () => {
  itWhen(notAGitCheckout)('names every FEDERA_ variable the code reads', () => {
    const documented = readFileSync(join(root, page), 'utf8');
    const missing = new Set<string>();
    for (const file of shippedSources()) {
      for (const [name] of readFileSync(join(root, file), 'utf8').matchAll(
        /\bFEDERA_[A-Z0-9_]*[A-Z0-9]\b/g,
      )) {
        if (!(name in notSettings) && !documented.includes(`\`${name}\``))
          missing.add(`${name} (${file})`);
      }
    }
    expect([...missing].sort()).toEqual([]);
  });
});
