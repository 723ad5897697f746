export * from './validation';
export * from './errors';
export * from './messaging';
export * from './events/envelope';
