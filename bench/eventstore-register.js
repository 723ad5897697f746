// Preload for TypeScript entry points that need decorator metadata (Nest, class-validator): the
// require hook plus reflect-metadata.
// Usage: node -r ./bench/eventstore-register.js bench/eventstore.ts
require('./typescript-require-hook');
require('reflect-metadata');
