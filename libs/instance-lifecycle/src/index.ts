export * from './instance-event';
export * from './instance-life';
export * from './instance-command';
export * from './instance-command-refused';
export * from './decide-instance';
export * from './instance-decider';
