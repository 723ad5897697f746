export * from './domain';
export * from './log-head-watch';
export * from './instance-list-follower';
