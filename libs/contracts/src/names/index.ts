export * from './layer-kind';
export * from './resource-kind';
export * from './resource-name';
export * from './host-state';
export * from './instance-state';
export * from './service-state';
export * from './migration-state';
