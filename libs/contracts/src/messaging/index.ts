export * from './subjects';
export * from './command-reply';
export * from './service-health-report';
export * from './bus-identity';
export * from './bus-permissions';
export * from './agent-jetstream-permissions';
export * from './subject-pattern';
