import { describe, expect, it } from 'vitest';
import { plural, pluralNoun } from '../../../src/core/plural.js';

describe('plural', () => {
  it('gives a count its noun, singular for exactly one', () => {
    expect([0, 1, 2].map((n) => plural(n, 'day'))).toEqual(['0 days', '1 day', '2 days']);
    expect(plural(1, 'reply', 'replies')).toBe('1 reply');
    expect(pluralNoun(2, 'section')).toBe('sections');
    expect(pluralNoun(1, 'line')).toBe('line');
  });
});
