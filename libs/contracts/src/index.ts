// The contracts' classes carry class-transformer decorators, which read design types at load time.
import 'reflect-metadata';
export * from './validation';
export * from './errors';
export * from './messaging';
export * from './events';
export * from './quantities';
export * from './names';
export * from './spec';
export * from './commands';
export * from './agent';
export * from './api';
export * from './discovery';
export * from './cost/cost-model';
