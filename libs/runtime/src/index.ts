export * from './federa-config';
export * from './free-tcp-port';
export * from './run-service';
export * from './service-health';
