export * from './subjects';
export * from './command-reply';
