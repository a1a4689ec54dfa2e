/** Storage: the PostgreSQL/PGlite database, the call-record writer and what the importer needs. */
export * from './database.ts';
export * from './records.ts';
export * from './records.repository.ts';
export * from './record-writer.service.ts';
export * as schema from './schema.ts';
