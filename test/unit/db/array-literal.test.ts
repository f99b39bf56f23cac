import { describe, expect, it } from 'vitest';
import { arrayLiteral } from '../../../src/db/repositories/array-literal.js';

describe('arrayLiteral', () => {
  it('quotes every element and escapes quotes and backslashes', () => {
    expect(arrayLiteral(['a', 'b,c', 'say "hi"', 'C:\\dir', '{}', ''])).toBe('{"a","b,c","say \\"hi\\"","C:\\\\dir","{}",""}');
  });

  it('writes numbers and booleans as text Postgres casts back', () => {
    expect(arrayLiteral([1, 2.5, true, false])).toBe('{"1","2.5","true","false"}');
  });

  it('writes null and undefined (a field a platform left out) as NULL, and the word NULL as text', () => {
    expect(arrayLiteral([null, undefined, 'NULL'])).toBe('{NULL,NULL,"NULL"}');
  });

  it('writes an empty array', () => {
    expect(arrayLiteral([])).toBe('{}');
  });
});
