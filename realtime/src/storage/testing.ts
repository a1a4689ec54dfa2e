/**
 * Test helpers: a fresh, empty database per test on every available backend. PGlite always; the
 * PostgreSQL server too when `DATABASE_URL` is set (each test gets its own database there, dropped
 * afterwards, so test files run in parallel).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openDatabase, type Backend, type Database, type OpenDatabaseOptions } from './database.ts';

export interface TestDatabase {
  database: Database;
  /** Options that open the same database again (a second handle, or after `close()`). */
  options: OpenDatabaseOptions;
  /** Closes and deletes the database. */
  drop(): Promise<void>;
}

export interface TestBackend {
  name: Backend;
  /** A new empty database, migrated on open (unless `migrate: false`). */
  create(opts?: { migrate?: boolean }): Promise<TestDatabase>;
}

let template: Promise<Blob> | undefined;

/**
 * An initdb'd, empty PGlite data folder as a dump, so a test database takes ~0.5 s instead of 2-3 s.
 * Cached on disk per PGlite version, shared by test files running in parallel.
 */
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const pkg = fileURLToPath(new URL('../package.json', import.meta.resolve('@electric-sql/pglite')));
    const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
    const file = join(tmpdir(), `callboard-pglite-empty-${version}.tar`);
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    const pgl = await PGlite.create();
    const dump = await pgl.dumpDataDir('none');
    await pgl.close();
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, file); // atomic: a parallel file reads a whole dump or none
    return dump;
  })();
  return template;
}

const pgliteBackend: TestBackend = {
  name: 'pglite',
  async create(opts = {}) {
    const dir = await mkdtemp(join(tmpdir(), 'callboard-pglite-'));
    const options: OpenDatabaseOptions = { dataDir: join(dir, 'data'), template: await pgliteTemplate(), ...opts };
    const database = await openDatabase(options);
    return {
      database,
      options: { dataDir: options.dataDir! },
      async drop() {
        await database.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
};

function postgresBackend(baseUrl: string): TestBackend {
  return {
    name: 'postgres',
    async create(opts = {}) {
      const name = `callboard_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: baseUrl });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
      } finally {
        await admin.end();
      }
      const u = new URL(baseUrl);
      u.pathname = `/${name}`;
      const database = await openDatabase({ url: u.toString(), ...opts });
      return {
        database,
        options: { url: u.toString() },
        async drop() {
          await database.close();
          const c = new pg.Client({ connectionString: baseUrl });
          await c.connect();
          try {
            await c.query(`drop database if exists ${name} with (force)`);
          } finally {
            await c.end();
          }
        },
      };
    },
  };
}

/** PGlite, plus PostgreSQL when `DATABASE_URL` is set. Use with `describe.each(testBackends())`. */
export function testBackends(): TestBackend[] {
  const url = process.env.DATABASE_URL;
  return url ? [pgliteBackend, postgresBackend(url)] : [pgliteBackend];
}
