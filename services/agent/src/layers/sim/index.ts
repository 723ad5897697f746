export * from './sim-layer';
