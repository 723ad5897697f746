/** Two projects: unit specs beside the code, integration and e2e specs under test/. */
const swc = ['@swc/jest', JSON.parse(require('fs').readFileSync(`${__dirname}/.swcrc`, 'utf8'))];
const moduleNameMapper = {
  '^@federa/(contracts|eventstore|instance-lifecycle|instance-list|messaging|runtime|testing)$':
    '<rootDir>/libs/$1/src',
  '^@federa/eventstore/in-memory$': '<rootDir>/libs/eventstore/src/in-memory',
  '^@federa/instance-list/domain$': '<rootDir>/libs/instance-list/src/domain',
  '^@federa/runtime/backoff$': '<rootDir>/libs/runtime/src/backoff',
  '^@federa/runtime/federa-config$': '<rootDir>/libs/runtime/src/federa-config',
  '^@federa/runtime/service-logger$': '<rootDir>/libs/runtime/src/service-logger',
  '^@federa/runtime/tracing$': '<rootDir>/libs/runtime/src/tracing',
};
const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper,
  testEnvironment: 'node',
  setupFiles: ['reflect-metadata'],
};
module.exports = {
  // Integration tests start processes and wait on real Postgres/NATS; unit tests finish long before this.
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,services,cli,bench}/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/retry-once.ts'],
    },
  ],
};
