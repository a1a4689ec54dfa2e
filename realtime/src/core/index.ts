export * from './state.ts';
export * from './evolve.ts';
export * from './routing.ts';
export * from './decide.ts';
export * from './metrics.ts';
export * from './selectors.ts';
export * from './time.ts';
export * from './checkpoint.ts';
