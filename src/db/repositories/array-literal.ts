/**
 * Bulk inserts as one array per column (`insert … select … from unnest($1::text[], …)`): a
 * statement with a parameter per column whatever the batch size. drizzle's multi-row insert has
 * a parameter per cell, and building and parsing a 100-row one cost more than running it.
 */

/**
 * A Postgres array literal ('{"a","b",NULL}'), every element quoted and escaped: sent as text and
 * cast in SQL, it reads the same on PGlite and postgres.js (which types array parameters by
 * their first element and would send booleans as a scalar).
 */
export function arrayLiteral(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  // undefined (a field a platform left out) is NULL, never the text "undefined".
  const items = values.map((v) => (v === null || v === undefined ? 'NULL' : `"${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`));
  return `{${items.join(',')}}`;
}

