export * from './error-body';
export * from './federa-error';
