export * from './fresh-database';
export * from './unique-prefix';
// By path, not the @federa/runtime index: the index loads Nest, which most tests never need.
export { freeTcpPort as freePort } from '../../runtime/src/free-tcp-port';
export * from './nats-server-process';
export * from './skip-unless';
export * from './eventually';
export * from './decider-specification';
export * from './decider-model-check';
export * from './nats-cluster-process';
