export * from './in-span';
export * from './start-tracing';
export * from './trace-context';
export * from './tracing-switch';
