export * from './events.ts';
export * from './site.ts';
export * from './metrics.ts';
export * from './socket.ts';
export * from './jobs.ts';
export * from './records.ts';
export * from './patch.ts';
export * from './reports.ts';
