import { TEST_DATABASE_URL } from './harness.js';

/** The databases every storage-touching suite runs on: PGlite always, Postgres when configured. */
export const DATABASES = (TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']) as Array<'pglite' | 'postgres'>;
