export * from './nats-connection';
export * from './commands';
export * from './jetstream';
export * from './nats-auth-refusal';
export * from './nats-tls-refusal';
export * from './subject-guard';
export * from './trace-headers';
