export * from './sim-layer';
export * from './sim-live-migrations';
