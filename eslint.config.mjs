import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import globals from 'globals';

const root = dirname(fileURLToPath(import.meta.url));

/** Every folder under services/, so that a new service is fenced in as soon as it exists. */
const services = readdirSync(join(root, 'services'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** Where the pure domain lives: every `domain/` folder, and the instance decider's library. */
const domainFiles = [
  'services/**/domain/**/*.ts',
  'libs/instance-lifecycle/**/*.ts',
  'libs/instance-list/src/domain/**/*.ts',
];

/**
 * What a domain must not reach: the service's adapters, by folder (api/ and infrastructure/ in the
 * written layout, and the adapter folders that have not moved there yet) and by role (main.ts, Nest
 * modules, controllers, handlers, entities).
 */
const adapterFolders = ['api', 'infrastructure'];
const adapterFiles = [
  `services/*/src/**/{${adapterFolders.join(',')}}/**`,
  'services/*/src/main.ts',
  'services/*/src/**/*.{module,controller,handler,entity}.ts',
];

/** Packages that do I/O: a domain is tested without any, so it imports none of them. */
const ioPackages = ['@nestjs/*', 'typeorm', 'pg', 'nats'];
const pureDomain =
  'A domain imports nothing from Nest, TypeORM, pg or NATS: keep it pure and put the I/O in an adapter.';
const ioNodeModules = ['fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'dgram'];
/** Federa's adapter libraries: their types describe ports a domain may name, their code loads pg, NATS or Nest. */
const adapterLibraries = ['@federa/eventstore', '@federa/messaging', '@federa/runtime'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.federa/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  // Boundaries between folders, checked on the file an import resolves to (relative paths, index
  // folders and the @federa/* aliases alike): see docs/adr/lint-boundaries.md.
  {
    files: ['**/*.{ts,js,mjs,cjs}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.node'],
          tsconfig: { configFile: join(root, 'tsconfig.json') },
        }),
      ],
    },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            ...services.map((service) => ({
              target: `services/${service}`,
              from: 'services',
              except: [`./${service}`],
              message: `A service never imports another service: ${service} learns through events or asks through a command.`,
            })),
            {
              target: ['cli', 'bench'],
              from: 'services',
              except: services.map((service) => `./${service}/src/index.ts`),
              message:
                'cli/ and bench/ import a service only through its entry, services/<name>/src (its index.ts): export what you need there.',
            },
            {
              target: 'libs',
              from: ['services', 'cli', 'bench', 'test'],
              message: 'Libraries never import services, the CLI, benchmarks or tests.',
            },
            {
              target: 'services',
              from: ['cli', 'bench', 'test'],
              message: 'A service never imports the CLI, benchmarks or cross-service tests.',
            },
            {
              target: domainFiles,
              from: adapterFiles,
              message:
                'A domain imports nothing from its adapters (api/, infrastructure/, modules, controllers, handlers): adapters import the domain.',
            },
          ],
        },
      ],
    },
  },
  {
    files: domainFiles,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...ioPackages
              .filter((name) => !name.includes('*'))
              .map((name) => ({ name, message: pureDomain })),
            ...ioNodeModules.flatMap((name) =>
              [name, `node:${name}`].map((spec) => ({
                name: spec,
                message: 'A domain does no I/O: take what it needs as an argument.',
              })),
            ),
            ...adapterLibraries.map((name) => ({
              name,
              allowTypeImports: true,
              message: `A domain may name ${name}'s types (import type) but not load its code, which does I/O.`,
            })),
          ],
          // Deep imports (typeorm/..., @nestjs/common) by pattern; the bare names above match exactly.
          patterns: [
            {
              group: ioPackages.map((name) => (name.includes('*') ? name : `${name}/*`)),
              message: pureDomain,
            },
          ],
        },
      ],
    },
  },
);
