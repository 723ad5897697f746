export * from './stream-version-conflict';
export * from './event-id-reused';
export * from './streams-version-conflict';
