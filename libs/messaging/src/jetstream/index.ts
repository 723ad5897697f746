export * from './event-stream';
export * from './event-message';
export * from './dead-letters';
export * from './handle-once';
export * from './permanent-failure';
export * from './durable-event-consumer';
export * from './key-value-bucket';
