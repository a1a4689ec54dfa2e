export * from './app.ts';
export * from './auth.ts';
export * from './hub.service.ts';
export * from './event-log.repository.ts';
export * from './broadcaster.ts';
export * from './hub.metrics.ts';
export * from './checkpointer.ts';
