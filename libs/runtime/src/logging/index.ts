export * from './correlated-command-transport';
export * from './log-context';
export * from './service-logger';
export * from './service-logging';
