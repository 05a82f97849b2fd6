export * from './api.ts';
export * from './failure-cause.ts';
