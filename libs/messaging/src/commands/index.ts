export * from './command-transport';
export * from './command-client';
export * from './command-origin';
export * from './contract-pipe';
export * from './command-contract-pipe';
export * from './command-exception-filter';
export * from './json-text';
