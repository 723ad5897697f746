export * from './stream-version-conflict';
export * from './event-id-reused';
