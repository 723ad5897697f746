export * from './fresh-database';
export * from './unique-prefix';
export * from './free-port';
export * from './nats-server-process';
export * from './skip-unless';
export * from './eventually';
