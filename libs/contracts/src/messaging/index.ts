export * from './subjects';
export * from './command-reply';
export * from './service-health-report';
