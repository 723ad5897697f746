export * from './metrics-port';
export * from './nats-connection-gauge';
export * from './nats-readiness';
export * from './ops-server';
export * from './ops-shutdown';
export * from './process-metrics';
export * from './readiness-answer';
export * from './service-ops';
