export * from './owning-service';
export * from './list-query';
export * from './host-commands';
export * from './service-commands';
export * from './instance-commands';
export * from './statistics-queries';
export * from './command-registry';
