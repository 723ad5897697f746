export * from './nats-connection';
export * from './commands';
export * from './jetstream';
