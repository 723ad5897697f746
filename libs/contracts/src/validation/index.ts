export * from './field-error';
export * from './validate';
