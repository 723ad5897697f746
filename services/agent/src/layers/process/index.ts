export * from './process-layer';
export { parseFederaLoad } from './federa-load';
