export * from './nats-connection';
export * from './commands';
