/**
 * The run contract: the rules the web and the server both apply to a run, written once. Which nodes call a
 * model, which endpoint and model each uses, the params its requests are sent with, and what its calls are
 * charged.
 */
export * from './binding.ts';
export * from './charging.ts';
export * from './nodes.ts';
export * from './params.ts';
