export * from './api.ts';
export * from './reward.ts';
