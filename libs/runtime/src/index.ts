export * from './federa-config';
