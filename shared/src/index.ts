export * from './endpoints.ts';
export * from './errors.ts';
export * from './graph/index.ts';
export * from './ids.ts';
export * from './inference.ts';
export * from './playground.ts';
export * from './world.ts';
