export * from './service-endpoints';
