/**
 * Replay, fork, rescue and compare: the API bodies, and the pure rules both sides apply (folding events into
 * steps, aligning two runs, applying and describing a change).
 */
export * from './align.ts';
export * from './api.ts';
export * from './change.ts';
export * from './failure.ts';
export * from './progress.ts';
export * from './steps.ts';
