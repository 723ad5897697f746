import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The folder boundaries of eslint.config.mjs (docs/adr/lint-boundaries.md), each shown rejecting a
 * violating import and accepting its lawful neighbour, so that a rule cannot stop working unseen
 * (an import the resolver cannot find is never reported: every import below names a real file).
 */
const root = join(__dirname, '..');
const paths = 'import-x/no-restricted-paths';
const packages = '@typescript-eslint/no-restricted-imports';

interface Snippet {
  /** Where the snippet is linted as if it were, relative to the repository. */
  file: string;
  code: string;
}
interface LintMessage {
  ruleId: string | null;
  message: string;
}

const anInfrastructureFile = readdirSync(join(root, 'services/inventory/src/infrastructure'))
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))
  .map((name) => name.replace(/\.ts$/, ''))[0];

const snippets = {
  serviceToOtherServiceFile: {
    file: 'services/gateway/src/boundary-probe.ts',
    code: "import '../../inventory/src/main';\n",
  },
  serviceToOtherServiceEntry: {
    file: 'services/gateway/src/boundary-probe.ts',
    code: "import '../../relay/src';\n",
  },
  serviceToItself: {
    file: 'services/gateway/src/boundary-probe.ts',
    code: "import './main';\n",
  },
  cliToServiceFile: {
    file: 'cli/src/up/boundary-probe.ts',
    code: "import '../../../services/placement/src/main';\n",
  },
  cliToServiceEntry: {
    file: 'cli/src/up/boundary-probe.ts',
    code: "import '../../../services/placement/src';\n",
  },
  benchRequiringServiceFile: {
    file: 'bench/boundary-probe.ts',
    code: "require('../services/relay/src/main');\n",
  },
  benchToServiceEntry: {
    file: 'bench/boundary-probe.ts',
    code: "import '../services/relay/src/index';\n",
  },
  libToService: {
    file: 'libs/eventstore/src/boundary-probe.ts',
    code: "import '../../../services/relay/src';\n",
  },
  testToServiceFile: {
    file: 'test/boundary-probe.ts',
    code: "import '../services/inventory/src/main';\n",
  },
  domainToNest: {
    file: 'services/placement/src/domain/boundary-probe.ts',
    code: "import { Injectable } from '@nestjs/common';\nexport { Injectable };\n",
  },
  domainToTypeorm: {
    file: 'services/placement/src/domain/boundary-probe.ts',
    code: "import { DataSource } from 'typeorm';\nexport { DataSource };\n",
  },
  domainToPg: {
    file: 'services/inventory/src/domain/boundary-probe.ts',
    code: "import { Pool } from 'pg';\nexport { Pool };\n",
  },
  domainToNats: {
    file: 'services/agent/src/layers/qemu/domain/boundary-probe.ts',
    code: "import { connect } from 'nats';\nexport { connect };\n",
  },
  domainToFileSystem: {
    file: 'services/supervision/src/domain/boundary-probe.ts',
    code: "import { readFileSync } from 'node:fs';\nexport { readFileSync };\n",
  },
  domainLoadingEventStore: {
    file: 'services/supervision/src/domain/boundary-probe.ts',
    code: "import { foldEvents } from '@federa/eventstore';\nexport { foldEvents };\n",
  },
  domainNamingEventStoreTypes: {
    file: 'services/supervision/src/domain/boundary-probe.ts',
    code: "import type { Decider } from '@federa/eventstore';\nexport type { Decider };\n",
  },
  domainToContracts: {
    file: 'services/supervision/src/domain/boundary-probe.ts',
    code: "import { streamIds } from '@federa/contracts';\nexport { streamIds };\n",
  },
  domainToInfrastructure: {
    file: 'services/inventory/src/domain/boundary-probe.ts',
    code: `import '../infrastructure/${anInfrastructureFile}';\n`,
  },
  domainToMain: {
    file: 'services/inventory/src/domain/boundary-probe.ts',
    code: "import '../main';\n",
  },
  domainToOtherDomainFile: {
    file: 'services/inventory/src/domain/boundary-probe.ts',
    code: "import './liveness-policy';\n",
  },
  instanceDeciderToNest: {
    file: 'libs/instance-lifecycle/src/boundary-probe.ts',
    code: "import { Injectable } from '@nestjs/common';\nexport { Injectable };\n",
  },
} satisfies Record<string, Snippet>;

type SnippetName = keyof typeof snippets;
let messages: Record<SnippetName, LintMessage[]>;

/** The rules that fired on a snippet, one entry per message. */
function rulesOn(name: SnippetName): (string | null)[] {
  return messages[name].map((message) => message.ruleId);
}

beforeAll(() => {
  const names = Object.keys(snippets) as SnippetName[];
  const output = execFileSync(process.execPath, [join(__dirname, 'lint-snippets.mjs')], {
    cwd: root,
    input: JSON.stringify(names.map((name) => snippets[name])),
    encoding: 'utf8',
  });
  const results = JSON.parse(output) as LintMessage[][];
  messages = Object.fromEntries(names.map((name, i) => [name, results[i]])) as typeof messages;
});

describe('import boundaries', () => {
  it('lints snippets that import real files', () => {
    expect(anInfrastructureFile).toBeDefined();
    for (const main of ['inventory', 'placement', 'relay', 'gateway'])
      expect(existsSync(join(root, `services/${main}/src/main.ts`))).toBe(true);
    expect(existsSync(join(root, 'services/relay/src/index.ts'))).toBe(true);
    expect(existsSync(join(root, 'services/inventory/src/domain/liveness-policy.ts'))).toBe(true);
  });

  it("rejects a service that imports another service's file", () => {
    expect(rulesOn('serviceToOtherServiceFile')).toEqual([paths]);
    expect(messages.serviceToOtherServiceFile[0].message).toMatch(/never imports another service/);
  });

  it("rejects a service that imports another service even through that service's entry", () => {
    expect(rulesOn('serviceToOtherServiceEntry')).toEqual([paths]);
  });

  it('lets a service import its own files', () => {
    expect(rulesOn('serviceToItself')).toEqual([]);
  });

  it("rejects the CLI importing a service's internal file", () => {
    expect(rulesOn('cliToServiceFile')).toEqual([paths]);
    expect(messages.cliToServiceFile[0].message).toMatch(/only through its entry/);
  });

  it('lets the CLI import a service through its index.ts', () => {
    expect(rulesOn('cliToServiceEntry')).toEqual([]);
  });

  it("rejects a benchmark that requires a service's internal file", () => {
    expect(rulesOn('benchRequiringServiceFile')).toEqual([paths]);
  });

  it("lets a benchmark import a service's index.ts", () => {
    expect(rulesOn('benchToServiceEntry')).toEqual([]);
  });

  it('rejects a library that imports a service', () => {
    expect(rulesOn('libToService')).toEqual([paths]);
  });

  it("lets cross-service tests import a service's internals", () => {
    expect(rulesOn('testToServiceFile')).toEqual([]);
  });

  it.each([
    ['Nest', 'domainToNest'],
    ['TypeORM', 'domainToTypeorm'],
    ['pg', 'domainToPg'],
    ['NATS (in a domain folder nested in a feature folder)', 'domainToNats'],
    ['the file system', 'domainToFileSystem'],
  ] as const)('rejects a domain that imports %s', (_what, name) => {
    expect(rulesOn(name)).toEqual([packages]);
  });

  it("rejects a domain that loads an adapter library's code but lets it name its types", () => {
    expect(rulesOn('domainLoadingEventStore')).toEqual([packages]);
    expect(rulesOn('domainNamingEventStoreTypes')).toEqual([]);
  });

  it('lets a domain import the contracts and its own files', () => {
    expect(rulesOn('domainToContracts')).toEqual([]);
    expect(rulesOn('domainToOtherDomainFile')).toEqual([]);
  });

  it("rejects a domain that imports its service's adapters or main.ts", () => {
    expect(rulesOn('domainToInfrastructure')).toEqual([paths]);
    expect(rulesOn('domainToMain')).toEqual([paths]);
    expect(messages.domainToMain[0].message).toMatch(/imports nothing from its adapters/);
  });

  it('holds the instance decider library to the domain rules', () => {
    expect(rulesOn('instanceDeciderToNest')).toEqual([packages]);
  });
});
