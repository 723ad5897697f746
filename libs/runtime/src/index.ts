export * from './federa-config';
export * from './run-service';
