// The pure part: what a domain may import without loading pg or the event store
// (`@federa/instance-list/domain`).
export * from './instance-view';
export * from './instance-summary';
export * from './instance-list-index';
